using SocketIoConformance;

ConformanceApp.Create(args).Run();
