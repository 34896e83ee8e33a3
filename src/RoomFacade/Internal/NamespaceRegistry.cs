using Microsoft.Extensions.Options;
using RoomFacade.Stores;

namespace RoomFacade.Internal;

/// <summary>The registered namespaces, bound to their hubs on first use.</summary>
internal sealed class NamespaceRegistry : IRoomNamespaceResolver
{
    private readonly Dictionary<string, Lazy<NamespaceBinding>> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, string> _nameByHub = [];

    public NamespaceRegistry(IOptions<RoomFacadeOptions> options, IServiceProvider services)
    {
        foreach (var registration in options.Value.Namespaces)
        {
            var reg = registration;
            _byName.Add(reg.Name, new Lazy<NamespaceBinding>(() => reg.Bind(services)));
            _nameByHub.Add(reg.HubType, reg.Name);
        }

        Names = [.. _byName.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>Every registered namespace name, sorted.</summary>
    public IReadOnlyList<string> Names { get; }

    public bool IsRegistered(string normalizedName) => _byName.ContainsKey(normalizedName);

    /// <summary>The binding of a namespace; throws a clear <see cref="ArgumentException"/> when it is not registered.</summary>
    public NamespaceBinding Get(string @namespace)
    {
        var name = NamespaceNames.Normalize(@namespace);
        if (_byName.TryGetValue(name, out var binding))
        {
            return binding.Value;
        }

        var display = name.Length == 0 ? "\"\" (the default namespace)" : $"'{name}'";
        var registered = Names.Count == 0 ? "none" : string.Join(", ", Names.Select(n => n.Length == 0 ? "\"\"" : n));
        throw ClearErrors.Mark(new ArgumentException(
            $"Namespace {display} is not registered. Register its hub with AddRoomFacade().AddNamespace<THub>(\"{name}\") " +
            $"(or AddDefaultNamespace<THub>()). Registered: {registered}.",
            nameof(@namespace)));
    }

    public string? TryGetName(Type hubType) => _nameByHub.TryGetValue(hubType, out var name) ? name : null;

    /// <inheritdoc />
    public string? GetNamespace(Type hubType)
    {
        ArgumentNullException.ThrowIfNull(hubType);
        return TryGetName(hubType);
    }

    public NamespaceBinding GetByHub(Type hubType)
        => TryGetName(hubType) is { } name
            ? Get(name)
            : throw ClearErrors.Mark(new ArgumentException(
                $"Hub type '{hubType.FullName}' is not registered as a namespace. Register it with AddRoomFacade().AddNamespace<{hubType.Name}>(\"/name\") or AddDefaultNamespace<{hubType.Name}>().",
                "hub"));
}
