using System.Reactive;
using System.Reactive.Linq;
using RxKafka.Protocol.Messages;

namespace RxKafka.Network;

// C2: ApiVersions negotiation after connect, before Ready.
public sealed partial class KafkaConnection
{
    private IObservable<Unit> Negotiate()
    {
        _state.OnNext(ConnectionState.Negotiating);
        return RequestApiVersions(KafkaApis.Get(ApiKey.ApiVersions).Versions.Highest)
            .SelectMany(response =>
            {
                ApiVersions = ApiVersionTable.FromResponse(response);
                if (_options.Sasl is null)
                {
                    return Observable.Return(Unit.Default);
                }

                _state.OnNext(ConnectionState.Authenticating);
                return InlineTasks.FromInlineTask(ct => AuthenticateAsync(reauthentication: false, ct));
            })
            .Select(_ =>
            {
                lock (_gate)
                {
                    if (_closed)
                    {
                        throw new ConnectionClosedException(CloseReason.ConnectionBroken, Broker);
                    }

                    _state.OnNext(ConnectionState.Ready);
                    StartIdleTimer();
                }

                return Unit.Default;
            });
    }

    // C2: newest ApiVersions first; on UNSUPPORTED_VERSION use the version the broker advertises,
    // or one lower when its answer cannot be read as the v0 body KIP-511 prescribes.
    private IObservable<ApiVersionsResponse> RequestApiVersions(short version)
    {
        var request = new ApiVersionsRequest { ClientSoftwareName = _options.ClientSoftwareName, ClientSoftwareVersion = _options.ClientSoftwareVersion };
        return Start(request, version, requireReady: false).Result
            .Select(r => (ApiVersionsResponse)r)
            .SelectMany(response =>
            {
                if (response.ErrorCode == 0)
                {
                    return Observable.Return(response);
                }

                if (response.ErrorCode == (short)ErrorCode.UnsupportedVersion && version > 0)
                {
                    var advertised = response.ApiKeys.FirstOrDefault(k => k.ApiKey == (short)ApiKey.ApiVersions);
                    var next = advertised is not null && advertised.MaxVersion < version ? advertised.MaxVersion : (short)(version - 1);
                    return RequestApiVersions(next);
                }

                return Observable.Throw<ApiVersionsResponse>(KafkaErrors.ToException((ErrorCode)response.ErrorCode, $"ApiVersions v{version} from {Broker}"));
            });
    }
}
