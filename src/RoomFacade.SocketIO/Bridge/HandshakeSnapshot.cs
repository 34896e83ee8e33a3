using Microsoft.AspNetCore.Http;

namespace RoomFacade.SocketIO.Bridge;

/// <summary>
/// A copy of the Engine.IO handshake request (headers, query, path, connection, user) that outlives it: a polling
/// request ends long before the hub reads <c>Context.GetHttpContext()</c>.
/// </summary>
internal static class HandshakeSnapshot
{
    public static HttpContext Create(HttpContext source)
    {
        var copy = new DefaultHttpContext();
        var request = copy.Request;
        request.Scheme = source.Request.Scheme;
        request.Host = source.Request.Host;
        request.PathBase = source.Request.PathBase;
        request.Path = source.Request.Path;
        request.QueryString = source.Request.QueryString;
        request.Method = source.Request.Method;
        foreach (var header in source.Request.Headers)
        {
            request.Headers[header.Key] = header.Value;
        }

        copy.Connection.Id = source.Connection.Id;
        copy.Connection.RemoteIpAddress = source.Connection.RemoteIpAddress;
        copy.Connection.RemotePort = source.Connection.RemotePort;
        copy.Connection.LocalIpAddress = source.Connection.LocalIpAddress;
        copy.Connection.LocalPort = source.Connection.LocalPort;
        copy.User = source.User;
        return copy;
    }
}
