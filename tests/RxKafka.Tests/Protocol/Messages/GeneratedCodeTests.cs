using RxKafka.MessageGen;
using RxKafka.Protocol.Messages;

namespace RxKafka.Tests.Protocol.Messages;

public sealed class GeneratedCodeTests
{
    [Fact]
    public void Committed_generated_messages_match_the_definitions()
    {
        var differences = Generator.Run(Definitions.Root, write: false);
        Assert.True(
            differences.Count == 0,
            "Generated message files are out of date (run `dotnet run --project tools/RxKafka.MessageGen`): " + string.Join(", ", differences));
    }

    [Fact]
    public void Every_request_definition_has_a_descriptor_with_its_response_type()
    {
        var requests = Definitions.All.Where(d => d.Kind == DefinitionKind.Request).ToList();
        Assert.Equal(requests.Count, KafkaApis.All.Count);
        foreach (var def in requests)
        {
            var api = KafkaApis.Get((ApiKey)def.ApiKey!.Value);
            Assert.Equal(def.Name, api.Name);
            Assert.Equal(def.ValidVersions.Low, api.Versions.Lowest);
            Assert.Equal(def.ValidVersions.High, api.Versions.Highest);
            var request = api.CreateRequest();
            var response = request.CreateResponse();
            Assert.Equal(api.RequestType, request.GetType());
            Assert.Equal(api.ResponseType, response.GetType());
            Assert.Equal(request.ApiKey, response.ApiKey);
            Assert.Equal(def.FlexibleVersions.IsEmpty ? (short)-1 : def.FlexibleVersions.Low, request.FirstFlexibleVersion);
            Assert.Equal(request.FirstFlexibleVersion, response.FirstFlexibleVersion);

            // The response type is visible statically too: KafkaRequest<TResponse>.
            Assert.Equal(typeof(KafkaRequest<>).MakeGenericType(api.ResponseType), api.RequestType.BaseType);
        }
    }

    [Theory]
    [InlineData(typeof(ProduceRequest), RequestRouting.PartitionLeader, typeof(IPartitionLeaderRequest))]
    [InlineData(typeof(FetchRequest), RequestRouting.PartitionLeader, typeof(IPartitionLeaderRequest))]
    [InlineData(typeof(MetadataRequest), RequestRouting.AnyBroker, typeof(IAnyBrokerRequest))]
    [InlineData(typeof(JoinGroupRequest), RequestRouting.GroupCoordinator, typeof(IGroupCoordinatorRequest))]
    [InlineData(typeof(OffsetCommitRequest), RequestRouting.GroupCoordinator, typeof(IGroupCoordinatorRequest))]
    [InlineData(typeof(AddPartitionsToTxnRequest), RequestRouting.TransactionCoordinator, typeof(ITransactionCoordinatorRequest))]
    [InlineData(typeof(EndTxnRequest), RequestRouting.TransactionCoordinator, typeof(ITransactionCoordinatorRequest))]
    [InlineData(typeof(CreateTopicsRequest), RequestRouting.Controller, typeof(IControllerRequest))]
    [InlineData(typeof(DescribeLogDirsRequest), RequestRouting.SpecificBroker, typeof(ISpecificBrokerRequest))]
    [InlineData(typeof(LeaderAndIsrRequest), RequestRouting.InterBroker, typeof(IInterBrokerRequest))]
    [InlineData(typeof(VoteRequest), RequestRouting.InterBroker, typeof(IInterBrokerRequest))]
    public void Requests_say_where_they_go(Type type, RequestRouting routing, Type marker)
    {
        var request = (KafkaRequest)Activator.CreateInstance(type)!;
        Assert.Equal(routing, request.Routing);
        Assert.True(marker.IsAssignableFrom(type));
        Assert.Equal(routing, KafkaApis.Get(request.ApiKey).Routing);
    }

    [Theory]
    [InlineData(ApiKey.Produce, 8, 1, 0)]
    [InlineData(ApiKey.Produce, 9, 2, 1)]
    [InlineData(ApiKey.Metadata, 8, 1, 0)]
    [InlineData(ApiKey.Metadata, 12, 2, 1)]
    [InlineData(ApiKey.ApiVersions, 2, 1, 0)]
    [InlineData(ApiKey.ApiVersions, 3, 2, 0)] // the ApiVersions response header is always v0
    [InlineData(ApiKey.ControlledShutdown, 0, 0, 0)]
    [InlineData(ApiKey.ControlledShutdown, 1, 1, 0)]
    public void Header_versions_follow_the_flexible_versions(ApiKey key, short version, short requestHeader, short responseHeader)
    {
        var api = KafkaApis.Get(key);
        Assert.Equal(requestHeader, api.RequestHeaderVersion(version));
        Assert.Equal(responseHeader, api.ResponseHeaderVersion(version));
    }

    [Fact]
    public void Writing_a_version_outside_the_range_names_the_message_and_the_range()
    {
        var e = Assert.Throws<KafkaException>(() => new MetadataRequest().ToArray(13));
        Assert.Equal(RxKafka.ErrorCode.UnsupportedVersion, e.ErrorCode);
        Assert.Contains("MetadataRequest has no version 13; its versions are 0 to 12", e.Message);
    }

    [Fact]
    public void A_non_default_field_that_a_version_lacks_is_refused_unless_ignorable()
    {
        // TransactionalId exists from Produce v3 and is not ignorable.
        var produce = new ProduceRequest { TransactionalId = "tx" };
        var e = Assert.Throws<KafkaException>(() => produce.ToArray(2));
        Assert.Contains("ProduceRequest.TransactionalId", e.Message);
        Assert.Contains("version 2", e.Message);

        // RackId (Fetch v11+) is ignorable: silently left out of older versions.
        var fetch = new FetchRequest { RackId = "rack-1" };
        Assert.Equal(new FetchRequest().ToArray(10), fetch.ToArray(10));
    }

    [Fact]
    public void A_null_in_a_non_nullable_version_is_refused_on_write_and_on_read()
    {
        // Metadata topics are nullable from v1 only.
        var request = new MetadataRequest { Topics = null };
        var e = Assert.Throws<KafkaException>(() => request.ToArray(0));
        Assert.Contains("MetadataRequest.Topics is null", e.Message);
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, request.ToArray(1));

        var reader = new RxKafka.Protocol.Primitives.KafkaReader(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF });
        var decoded = new MetadataRequest();
        var read = Record.Exception(() => { var r = new RxKafka.Protocol.Primitives.KafkaReader(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }); decoded.Read(ref r, 0); });
        var pe = Assert.IsType<KafkaProtocolException>(read);
        Assert.Contains("MetadataRequest.Topics is null but is not nullable in version 0", pe.Message);
        decoded.Read(ref reader, 1);
        Assert.Null(decoded.Topics);
    }
}
