global using RoomFacade.Testing;
