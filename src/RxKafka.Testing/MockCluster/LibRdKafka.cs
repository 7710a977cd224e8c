using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace RxKafka.Testing.MockCluster;

/// <summary>
/// One loaded librdkafka shared library and the C functions the mock cluster needs, bound by
/// explicit path. Each build is loaded with <see cref="NativeLibrary.Load(string)"/> (dlopen,
/// RTLD_LOCAL): two files with the same soname but different paths are two separate objects,
/// and every symbol is looked up in its own handle, so both builds live in one process.
/// Loaded once per build and never unloaded (librdkafka keeps background threads).
/// </summary>
internal sealed unsafe class LibRdKafka
{
    private const int ProducerType = 0; // RD_KAFKA_PRODUCER
    private const int ConfOk = 0; // RD_KAFKA_CONF_OK

    private static readonly ConcurrentDictionary<(MockBuild Build, string Path), Lazy<LibRdKafka>> Loaded = new();

    private readonly nint _handle;

    private readonly delegate* unmanaged[Cdecl]<nint> _versionStr;
    private readonly delegate* unmanaged[Cdecl]<int, nint> _err2str;
    private readonly delegate* unmanaged[Cdecl]<int, nint> _err2name;
    private readonly delegate* unmanaged[Cdecl]<nint> _confNew;
    private readonly delegate* unmanaged[Cdecl]<nint, byte*, byte*, byte*, nuint, int> _confSet;
    private readonly delegate* unmanaged[Cdecl]<nint, void> _confDestroy;
    private readonly delegate* unmanaged[Cdecl]<int, nint, byte*, nuint, nint> _new;
    private readonly delegate* unmanaged[Cdecl]<nint, void> _destroy;

    private readonly delegate* unmanaged[Cdecl]<nint, int, nint> _clusterNew;
    private readonly delegate* unmanaged[Cdecl]<nint, void> _clusterDestroy;
    private readonly delegate* unmanaged[Cdecl]<nint, nint> _clusterBootstraps;
    private readonly delegate* unmanaged[Cdecl]<nint, byte*, int, int, int> _topicCreate;
    private readonly delegate* unmanaged[Cdecl]<nint, byte*, int, void> _topicSetError;
    private readonly delegate* unmanaged[Cdecl]<nint, byte*, int, int, int> _partitionSetLeader;
    private readonly delegate* unmanaged[Cdecl]<nint, int, int> _brokerSetDown;
    private readonly delegate* unmanaged[Cdecl]<nint, int, int> _brokerSetUp;
    private readonly delegate* unmanaged[Cdecl]<nint, int, int, int> _brokerSetRtt;
    private readonly delegate* unmanaged[Cdecl]<nint, int, byte*, int> _brokerSetRack;
    private readonly delegate* unmanaged[Cdecl]<nint, int, byte*, int, void> _brokerSetHostPort; // null in 2.0.2
    private readonly delegate* unmanaged[Cdecl]<nint, short, nuint, int*, void> _pushRequestErrorsArray;
    private readonly delegate* unmanaged[Cdecl]<nint, short, void> _clearRequestErrors;

    // rd_kafka_mock_broker_push_request_error_rtts is variadic (cnt pairs of error, rtt_ms), called
    // with exactly one pair. Variadic integer arguments travel like fixed ones on x86-64 System V and
    // Linux AArch64, so a fixed six-argument signature reaches it intact (not on Apple arm64).
    private readonly delegate* unmanaged[Cdecl]<nint, int, short, nuint, int, int, int> _brokerPushRequestErrorRtt;
    private readonly delegate* unmanaged[Cdecl]<nint, short, short, short, int> _setApiVersion;
    private readonly delegate* unmanaged[Cdecl]<nint, byte*, byte*, int, int> _coordinatorSet;

    private LibRdKafka(MockBuild build, string path, nint handle)
    {
        Build = build;
        LibraryPath = path;
        _handle = handle;
        _versionStr = (delegate* unmanaged[Cdecl]<nint>)Require("rd_kafka_version_str");
        _err2str = (delegate* unmanaged[Cdecl]<int, nint>)Require("rd_kafka_err2str");
        _err2name = (delegate* unmanaged[Cdecl]<int, nint>)Require("rd_kafka_err2name");
        _confNew = (delegate* unmanaged[Cdecl]<nint>)Require("rd_kafka_conf_new");
        _confSet = (delegate* unmanaged[Cdecl]<nint, byte*, byte*, byte*, nuint, int>)Require("rd_kafka_conf_set");
        _confDestroy = (delegate* unmanaged[Cdecl]<nint, void>)Require("rd_kafka_conf_destroy");
        _new = (delegate* unmanaged[Cdecl]<int, nint, byte*, nuint, nint>)Require("rd_kafka_new");
        _destroy = (delegate* unmanaged[Cdecl]<nint, void>)Require("rd_kafka_destroy");
        _clusterNew = (delegate* unmanaged[Cdecl]<nint, int, nint>)Require("rd_kafka_mock_cluster_new");
        _clusterDestroy = (delegate* unmanaged[Cdecl]<nint, void>)Require("rd_kafka_mock_cluster_destroy");
        _clusterBootstraps = (delegate* unmanaged[Cdecl]<nint, nint>)Require("rd_kafka_mock_cluster_bootstraps");
        _topicCreate = (delegate* unmanaged[Cdecl]<nint, byte*, int, int, int>)Require("rd_kafka_mock_topic_create");
        _topicSetError = (delegate* unmanaged[Cdecl]<nint, byte*, int, void>)Require("rd_kafka_mock_topic_set_error");
        _partitionSetLeader = (delegate* unmanaged[Cdecl]<nint, byte*, int, int, int>)Require("rd_kafka_mock_partition_set_leader");
        _brokerSetDown = (delegate* unmanaged[Cdecl]<nint, int, int>)Require("rd_kafka_mock_broker_set_down");
        _brokerSetUp = (delegate* unmanaged[Cdecl]<nint, int, int>)Require("rd_kafka_mock_broker_set_up");
        _brokerSetRtt = (delegate* unmanaged[Cdecl]<nint, int, int, int>)Require("rd_kafka_mock_broker_set_rtt");
        _brokerSetRack = (delegate* unmanaged[Cdecl]<nint, int, byte*, int>)Require("rd_kafka_mock_broker_set_rack");
        _brokerSetHostPort = (delegate* unmanaged[Cdecl]<nint, int, byte*, int, void>)Optional("rd_kafka_mock_broker_set_host_port");
        _pushRequestErrorsArray = (delegate* unmanaged[Cdecl]<nint, short, nuint, int*, void>)Require("rd_kafka_mock_push_request_errors_array");
        _clearRequestErrors = (delegate* unmanaged[Cdecl]<nint, short, void>)Require("rd_kafka_mock_clear_request_errors");
        _brokerPushRequestErrorRtt = (delegate* unmanaged[Cdecl]<nint, int, short, nuint, int, int, int>)Require("rd_kafka_mock_broker_push_request_error_rtts");
        _setApiVersion = (delegate* unmanaged[Cdecl]<nint, short, short, short, int>)Require("rd_kafka_mock_set_apiversion");
        _coordinatorSet = (delegate* unmanaged[Cdecl]<nint, byte*, byte*, int, int>)Require("rd_kafka_mock_coordinator_set");
        Version = Marshal.PtrToStringUTF8(_versionStr()) ?? "";
    }

    /// <summary>The build this library is.</summary>
    public MockBuild Build { get; }

    /// <summary>The file it was loaded from.</summary>
    public string LibraryPath { get; }

    /// <summary>What <c>rd_kafka_version_str()</c> says, e.g. "2.0.2".</summary>
    public string Version { get; }

    /// <summary>Whether this build exports <c>rd_kafka_mock_broker_set_host_port</c> (2.0.2 does not).</summary>
    public bool HasBrokerSetHostPort => _brokerSetHostPort != null;

    /// <summary>"librdkafka 2.0.2 (Debian librdkafka1) at /usr/lib/...".</summary>
    public string Description => $"{MockLibraries.Describe(Build)} at {LibraryPath}";

    /// <summary>Loads <paramref name="build"/> from <paramref name="path"/> (once per process and path).</summary>
    /// <exception cref="DllNotFoundException">The library file is missing or cannot be loaded.</exception>
    public static LibRdKafka Get(MockBuild build, string path)
    {
        var key = (build, Path.GetFullPath(path));
        var lazy = Loaded.GetOrAdd(key, static k => new Lazy<LibRdKafka>(() => Load(k.Build, k.Path)));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // Let a later call (e.g. after running scripts/setup.sh) try again.
            Loaded.TryRemove(new KeyValuePair<(MockBuild, string), Lazy<LibRdKafka>>(key, lazy));
            throw;
        }
    }

    private static LibRdKafka Load(MockBuild build, string path)
    {
        if (!File.Exists(path))
        {
            throw new DllNotFoundException(
                $"{MockLibraries.Describe(build)} not found at {path}: {MockLibraries.HowToInstall(build)}.");
        }

        nint handle;
        try
        {
            handle = NativeLibrary.Load(path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new DllNotFoundException(
                $"{MockLibraries.Describe(build)} at {path} could not be loaded ({e.Message}): {MockLibraries.HowToInstall(build)}.", e);
        }

        return new LibRdKafka(build, path, handle);
    }

    /// <summary>"_INVALID_ARG (Local: Invalid argument or configuration)".</summary>
    public string DescribeError(int err) =>
        $"{Marshal.PtrToStringUTF8(_err2name(err))} ({Marshal.PtrToStringUTF8(_err2str(err))})";

    /// <summary>Creates the producer handle that hosts a mock cluster.</summary>
    public nint NewHostHandle(IEnumerable<KeyValuePair<string, string>> config)
    {
        var errstr = stackalloc byte[512];
        var conf = _confNew();
        if (conf == 0)
        {
            throw new MockClusterException($"rd_kafka_conf_new() returned null on {Description}");
        }

        foreach (var (name, value) in config)
        {
            fixed (byte* n = Utf8Z(name), v = Utf8Z(value))
            {
                if (_confSet(conf, n, v, errstr, 512) != ConfOk)
                {
                    _confDestroy(conf);
                    throw new MockClusterException(
                        $"rd_kafka_conf_set(\"{name}\", \"{value}\") failed on {Description}: {Marshal.PtrToStringUTF8((nint)errstr)}");
                }
            }
        }

        var rk = _new(ProducerType, conf, errstr, 512);
        if (rk == 0)
        {
            _confDestroy(conf); // rd_kafka_new takes ownership of conf only on success
            throw new MockClusterException($"rd_kafka_new(RD_KAFKA_PRODUCER) failed on {Description}: {Marshal.PtrToStringUTF8((nint)errstr)}");
        }

        return rk;
    }

    public void Destroy(nint rk) => _destroy(rk);

    public nint ClusterNew(nint rk, int brokers) => _clusterNew(rk, brokers);

    public void ClusterDestroy(nint mcluster) => _clusterDestroy(mcluster);

    public string ClusterBootstraps(nint mcluster) => Marshal.PtrToStringUTF8(_clusterBootstraps(mcluster)) ?? "";

    public int TopicCreate(nint mcluster, string topic, int partitions, int replicationFactor)
    {
        fixed (byte* t = Utf8Z(topic))
        {
            return _topicCreate(mcluster, t, partitions, replicationFactor);
        }
    }

    public void TopicSetError(nint mcluster, string topic, int err)
    {
        fixed (byte* t = Utf8Z(topic))
        {
            _topicSetError(mcluster, t, err);
        }
    }

    public int PartitionSetLeader(nint mcluster, string topic, int partition, int brokerId)
    {
        fixed (byte* t = Utf8Z(topic))
        {
            return _partitionSetLeader(mcluster, t, partition, brokerId);
        }
    }

    public int BrokerSetDown(nint mcluster, int brokerId) => _brokerSetDown(mcluster, brokerId);

    public int BrokerSetUp(nint mcluster, int brokerId) => _brokerSetUp(mcluster, brokerId);

    public int BrokerSetRtt(nint mcluster, int brokerId, int rttMs) => _brokerSetRtt(mcluster, brokerId, rttMs);

    public int BrokerSetRack(nint mcluster, int brokerId, string? rack)
    {
        fixed (byte* r = rack is null ? null : Utf8Z(rack))
        {
            return _brokerSetRack(mcluster, brokerId, r);
        }
    }

    public void BrokerSetHostPort(nint mcluster, int brokerId, string host, int port)
    {
        if (_brokerSetHostPort == null)
        {
            throw new NotSupportedException(
                $"{Description} has no rd_kafka_mock_broker_set_host_port (added in librdkafka 2.2): use {MockBuild.Redist2151} to advertise another host or port.");
        }

        fixed (byte* h = Utf8Z(host))
        {
            _brokerSetHostPort(mcluster, brokerId, h, port);
        }
    }

    public void PushRequestErrors(nint mcluster, short apiKey, ReadOnlySpan<int> errors)
    {
        fixed (int* e = errors)
        {
            _pushRequestErrorsArray(mcluster, apiKey, (nuint)errors.Length, e);
        }
    }

    public void ClearRequestErrors(nint mcluster, short apiKey) => _clearRequestErrors(mcluster, apiKey);

    /// <summary>Queues one error (answered after <paramref name="rttMs"/>) for broker <paramref name="brokerId"/>'s next request of <paramref name="apiKey"/>.</summary>
    public int BrokerPushRequestError(nint mcluster, int brokerId, short apiKey, int error, int rttMs) =>
        _brokerPushRequestErrorRtt(mcluster, brokerId, apiKey, 1, error, rttMs);

    public int SetApiVersion(nint mcluster, short apiKey, short min, short max) => _setApiVersion(mcluster, apiKey, min, max);

    public int CoordinatorSet(nint mcluster, string keyType, string key, int brokerId)
    {
        fixed (byte* t = Utf8Z(keyType), k = Utf8Z(key))
        {
            return _coordinatorSet(mcluster, t, k, brokerId);
        }
    }

    private static byte[] Utf8Z(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    private nint Require(string name) =>
        NativeLibrary.TryGetExport(_handle, name, out var address)
            ? address
            : throw new EntryPointNotFoundException($"{MockLibraries.Describe(Build)} at {LibraryPath} does not export {name}.");

    private nint Optional(string name) => NativeLibrary.TryGetExport(_handle, name, out var address) ? address : 0;
}
