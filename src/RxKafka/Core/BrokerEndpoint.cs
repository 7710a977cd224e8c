using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RxKafka;

/// <summary>A broker's host and port.</summary>
/// <param name="Host">A host name or an IP address (IPv6 without brackets).</param>
/// <param name="Port">The TCP port.</param>
public readonly record struct BrokerEndpoint(string Host, int Port)
{
    /// <summary>Kafka's default port.</summary>
    public const int DefaultPort = 9092;

    /// <summary>The configuration name that parse errors are reported against.</summary>
    internal const string ConfigName = "bootstrap.servers";

    /// <inheritdoc/>
    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>
    /// Parses one broker address: <c>host</c>, <c>host:port</c>, <c>[ipv6]</c>, <c>[ipv6]:port</c> or a
    /// bare IPv6 address such as <c>::1</c> or <c>fe80::1%eth0</c> (a bare IPv6 address always gets
    /// <see cref="DefaultPort"/>: put it in brackets to give a port). A listener-style scheme such as
    /// <c>PLAINTEXT://</c> or <c>SSL://</c> is stripped. Surrounding whitespace is ignored.
    /// </summary>
    /// <param name="address">The address to parse.</param>
    /// <returns>The endpoint; the port is <see cref="DefaultPort"/> when none is given.</returns>
    /// <exception cref="KafkaConfigException">The address is not valid; the message names it and says why.</exception>
    public static BrokerEndpoint Parse(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!TryParse(address, out var endpoint, out var error))
        {
            throw new KafkaConfigException(ConfigName, FormatError(address, error));
        }

        return endpoint;
    }

    /// <summary>Parses one broker address as <see cref="Parse(string)"/> does, without throwing.</summary>
    /// <param name="address">The address to parse.</param>
    /// <param name="endpoint">The endpoint when the address is valid.</param>
    /// <returns><see langword="true"/> when <paramref name="address"/> is a valid broker address.</returns>
    public static bool TryParse([NotNullWhen(true)] string? address, out BrokerEndpoint endpoint) =>
        TryParse(address, out endpoint, out _);

    internal static string FormatError(string address, string reason) =>
        $"'{address}' is not a valid broker address: {reason}. Expected host, host:port, [ipv6] or [ipv6]:port.";

    /// <summary>Parses an address, giving the reason when it is not valid.</summary>
    internal static bool TryParse([NotNullWhen(true)] string? address, out BrokerEndpoint endpoint, out string error)
    {
        endpoint = default;
        if (address is null)
        {
            error = "the address is null";
            return false;
        }

        var text = address.AsSpan().Trim();
        if (text.IsEmpty)
        {
            error = "the address is empty";
            return false;
        }

        // Kafka listener style: PLAINTEXT://host:port, SSL://host:port, INTERNAL://host:port.
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            if (!IsScheme(text[..scheme]))
            {
                error = $"'{text[..scheme].ToString()}' is not a listener name";
                return false;
            }

            text = text[(scheme + 3)..];
        }

        if (text.IndexOfAny(" \t\r\n") >= 0)
        {
            error = "it contains whitespace";
            return false;
        }

        ReadOnlySpan<char> host;
        ReadOnlySpan<char> port;
        bool ipv6;
        if (!text.IsEmpty && text[0] == '[')
        {
            var close = text.IndexOf(']');
            if (close < 0)
            {
                error = "'[' has no matching ']'";
                return false;
            }

            host = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.IsEmpty)
            {
                port = default;
            }
            else if (rest[0] == ':')
            {
                port = rest[1..];
                if (port.IsEmpty)
                {
                    error = "the port after ':' is empty";
                    return false;
                }
            }
            else
            {
                error = $"unexpected '{rest.ToString()}' after ']'";
                return false;
            }

            if (host.IsEmpty)
            {
                error = "the host between '[' and ']' is empty";
                return false;
            }

            if (!IsIPv6(host))
            {
                error = $"'{host.ToString()}' is not an IPv6 address";
                return false;
            }

            ipv6 = true;
        }
        else if (text.IndexOfAny('[', ']') >= 0)
        {
            error = "the brackets are unbalanced";
            return false;
        }
        else
        {
            var firstColon = text.IndexOf(':');
            if (firstColon < 0)
            {
                host = text;
                port = default;
                ipv6 = false;
            }
            else if (text[(firstColon + 1)..].IndexOf(':') < 0)
            {
                host = text[..firstColon];
                port = text[(firstColon + 1)..];
                ipv6 = false;
                if (port.IsEmpty)
                {
                    error = "the port after ':' is empty";
                    return false;
                }
            }
            else
            {
                // Two or more colons: a bare IPv6 address, which has no room for a port.
                if (!IsIPv6(text))
                {
                    error = $"'{text.ToString()}' is not an IPv6 address (put an IPv6 address in brackets to give a port: [::1]:9092)";
                    return false;
                }

                host = text;
                port = default;
                ipv6 = true;
            }

            if (host.IsEmpty)
            {
                error = "the host is empty";
                return false;
            }
        }

        if (!ipv6 && !IsHostName(host, out var bad))
        {
            error = $"the host contains '{bad}'";
            return false;
        }

        var portNumber = DefaultPort;
        if (!port.IsEmpty && !TryParsePort(port, out portNumber))
        {
            error = $"the port '{port.ToString()}' is not a number from 1 to 65535";
            return false;
        }

        endpoint = new BrokerEndpoint(host.ToString(), portNumber);
        error = string.Empty;
        return true;
    }

    private static bool IsScheme(ReadOnlySpan<char> scheme)
    {
        if (scheme.IsEmpty || !char.IsAsciiLetter(scheme[0]))
        {
            return false;
        }

        foreach (var c in scheme)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '+' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIPv6(ReadOnlySpan<char> text) =>
        text.Contains(':') && IPAddress.TryParse(text, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6;

    // DNS names (letters, digits, '-', '.'), plus '_' which some container setups use; IPv4 literals pass too.
    private static bool IsHostName(ReadOnlySpan<char> host, out char bad)
    {
        foreach (var c in host)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.' or '_'))
            {
                bad = c;
                return false;
            }
        }

        bad = default;
        return true;
    }

    private static bool TryParsePort(ReadOnlySpan<char> text, out int port)
    {
        // NumberStyles.None: no sign, no whitespace, no thousands separators; five digits at most.
        if (text.Length > 5 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port))
        {
            port = 0;
            return false;
        }

        return port is >= 1 and <= 65535;
    }
}
