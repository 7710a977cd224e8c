using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Net;
using System.Net.Sockets;

namespace RxKafka.Tests.Network;

/// <summary>A TCP listener on 127.0.0.1 with a free port: the broker's side in transport tests.</summary>
internal sealed class Loopback : IDisposable
{
    /// <summary>The bound on every await on a real socket.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;

    public Loopback()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
    }

    public int Port { get; }

    public Task<Socket> AcceptAsync() => _listener.AcceptSocketAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Timeout, TestContext.Current.CancellationToken);

    public void Dispose() => _listener.Dispose();

    /// <summary>A port on 127.0.0.1 that nothing listens on (bound, then released).</summary>
    public static int ClosedPort()
    {
        using var probe = new Loopback();
        return probe.Port;
    }

    /// <summary>What the broker's side of a TLS session saw: the client's certificate, or why the handshake failed.</summary>
    public sealed record TlsSession(X509Certificate2? ClientCertificate, Exception? Error);

    /// <summary>Accepts one connection, completes the server side of the handshake with <paramref name="certificate"/> and echoes.</summary>
    public async Task<TlsSession> ServeTlsAsync(X509Certificate2 certificate, bool requireClientCertificate)
    {
        using var socket = await AcceptAsync();
        await using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false));
        try
        {
            await ssl.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificate = certificate,
                    ClientCertificateRequired = requireClientCertificate,
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                },
                TestContext.Current.CancellationToken);
            var client = ssl.RemoteCertificate is { } remote ? new X509Certificate2(remote) : null;
            await EchoAsync(ssl);
            return new TlsSession(client, null);
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            return new TlsSession(null, e);
        }
    }

    /// <summary>Sends back everything it reads until the peer closes.</summary>
    public static async Task EchoAsync(Stream stream)
    {
        var buffer = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(buffer, TestContext.Current.CancellationToken)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read), TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes from a pipe.</summary>
    public static async Task<byte[]> ReadExactlyAsync(PipeReader reader, int count)
    {
        while (true)
        {
            var result = await reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Timeout, TestContext.Current.CancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length >= count)
            {
                var bytes = buffer.Slice(0, count).ToArray();
                reader.AdvanceTo(buffer.GetPosition(count));
                return bytes;
            }

            if (result.IsCompleted)
            {
                throw new EndOfStreamException($"The pipe ended after {buffer.Length} of {count} bytes.");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Writes through the transport's output while reading the echo back, so neither side blocks.</summary>
    public static async Task<byte[]> RoundTripAsync(RxKafka.Network.IKafkaTransport transport, byte[] payload)
    {
        var echo = ReadExactlyAsync(transport.Input, payload.Length);
        // Several writes and flushes: the connection layer writes frame by frame.
        for (var offset = 0; offset < payload.Length; offset += 10_000)
        {
            var chunk = payload.AsMemory(offset, Math.Min(10_000, payload.Length - offset));
            await transport.Output.WriteAsync(chunk, TestContext.Current.CancellationToken).AsTask().WaitAsync(Timeout, TestContext.Current.CancellationToken);
        }

        await transport.Output.FlushAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Timeout, TestContext.Current.CancellationToken);
        return await echo;
    }
}
