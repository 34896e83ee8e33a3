using V4Chat;

V4ChatApp.Create(args).Run();
