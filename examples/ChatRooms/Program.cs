using ChatRooms;

ChatRoomsApp.Create(args).Run();
