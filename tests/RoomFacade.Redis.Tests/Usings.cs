global using RoomFacade.Redis.Connection;
global using RoomFacade.Redis.Index;
global using RoomFacade.Redis.Servers;
global using RoomFacade.Testing;
global using RoomFacade.Testing.EndToEnd;
