global using RoomFacade.Testing;
global using RoomFacade.Testing.EndToEnd;
