using RxKafka.Protocol.Messages;
using RxKafka.Protocol.Primitives;
using static RxKafka.Tests.Protocol.Primitives.Wire;

namespace RxKafka.Tests.Protocol.Primitives;

/// <summary>
/// Request header v0/v1/v2 and response header v0/v1 against golden bytes worked out by hand from
/// the Kafka protocol guide ("Headers"): v0 = api key, api version, correlation id; v1 adds
/// client_id as a NULLABLE_STRING (int16 length, never compact); v2 adds a tagged-field buffer.
/// Response header v0 = correlation id; v1 adds a tagged-field buffer.
/// </summary>
public sealed class HeaderTests
{
    private static RequestHeader ApiVersions(string? clientId) => new()
    {
        RequestApiKey = 18,    // ApiVersions
        RequestApiVersion = 3,
        CorrelationId = 7,
        ClientId = clientId,
    };

    [Fact]
    public void Request_header_v0_has_no_client_id()
    {
        var expected = Hex(
            "0012" +     // request_api_key 18
            "0003" +     // request_api_version 3
            "00000007"); // correlation_id 7
        AssertHeader(expected, ApiVersions("rx"), 0);

        var read = DecodeRequest(expected, 0);
        Assert.Equal("", read.ClientId); // untouched default: v0 carries none
    }

    [Fact]
    public void Request_header_v1_adds_a_nullable_client_id()
    {
        var expected = Hex(
            "0012" +     // request_api_key 18
            "0003" +     // request_api_version 3
            "00000007" + // correlation_id 7
            "0002 7278"); // client_id: int16 length 2, "rx"
        AssertHeader(expected, ApiVersions("rx"), 1);
        Assert.Equal("rx", DecodeRequest(expected, 1).ClientId);
    }

    [Fact]
    public void Request_header_v1_null_client_id_is_FFFF()
    {
        var expected = Hex(
            "0012" +     // request_api_key 18
            "0003" +     // request_api_version 3
            "00000007" + // correlation_id 7
            "FFFF");     // client_id: null (int16 -1)
        AssertHeader(expected, ApiVersions(null), 1);
        Assert.Null(DecodeRequest(expected, 1).ClientId);
    }

    [Fact]
    public void Request_header_v2_keeps_a_non_compact_client_id_and_adds_tagged_fields()
    {
        var expected = Hex(
            "0012" +      // request_api_key 18
            "0003" +      // request_api_version 3
            "00000007" +  // correlation_id 7
            "0002 7278" + // client_id: int16 length 2, "rx" (NOT compact, even in a flexible header)
            "00");        // _tagged_fields: none
        Assert.Equal("00120003000000070002727800", ToHex(ApiVersions("rx").ToArray(2)));
        AssertHeader(expected, ApiVersions("rx"), 2);

        var read = DecodeRequest(expected, 2);
        Assert.Equal((18, 3, 7, "rx"), (read.RequestApiKey, read.RequestApiVersion, read.CorrelationId, read.ClientId));
        Assert.Null(read.UnknownTaggedFields);
    }

    [Fact]
    public void Request_header_v2_with_null_client_id()
    {
        var expected = Hex(
            "0012" +     // request_api_key 18
            "0003" +     // request_api_version 3
            "00000007" + // correlation_id 7
            "FFFF" +     // client_id: null
            "00");       // _tagged_fields: none
        AssertHeader(expected, ApiVersions(null), 2);
        Assert.Null(DecodeRequest(expected, 2).ClientId);
    }

    [Fact]
    public void Request_header_v2_multi_byte_client_id_counts_bytes()
    {
        var header = new RequestHeader { RequestApiKey = 3, RequestApiVersion = 12, CorrelationId = -1, ClientId = "clïent" };
        var expected = Hex(
            "0003" +             // request_api_key 3 (Metadata)
            "000C" +             // request_api_version 12
            "FFFFFFFF" +         // correlation_id -1
            "0007 636CC3AF656E74" + // client_id: 7 UTF-8 bytes for 6 chars, "clïent"
            "00");               // _tagged_fields: none
        AssertHeader(expected, header, 2);
        Assert.Equal("clïent", DecodeRequest(expected, 2).ClientId);
    }

    [Fact]
    public void Request_header_v2_keeps_an_unknown_tagged_field()
    {
        var expected = Hex(
            "0012" +       // request_api_key 18
            "0003" +       // request_api_version 3
            "00000007" +   // correlation_id 7
            "0002 7278" +  // client_id "rx"
            "01" +         // _tagged_fields: one field
            "05 02 ABCD"); // tag 5, size 2, value ABCD
        var read = DecodeRequest(expected, 2);
        var field = Assert.Single(read.UnknownTaggedFields!);
        Assert.Equal(5, field.Tag);
        Assert.Equal(new byte[] { 0xAB, 0xCD }, field.Data);
        AssertHeader(expected, read, 2);
    }

    [Fact]
    public void Response_header_v0_is_the_correlation_id()
    {
        var expected = Hex("00000007"); // correlation_id 7
        AssertHeader(expected, new ResponseHeader { CorrelationId = 7 }, 0);
        Assert.Equal(7, DecodeResponse(expected, 0).CorrelationId);
    }

    [Fact]
    public void Response_header_v1_adds_tagged_fields()
    {
        var expected = Hex(
            "7FFFFFFF" + // correlation_id int.MaxValue
            "00");       // _tagged_fields: none
        AssertHeader(expected, new ResponseHeader { CorrelationId = int.MaxValue }, 1);
        Assert.Equal(int.MaxValue, DecodeResponse(expected, 1).CorrelationId);

        var withTag = Hex(
            "80000000" + // correlation_id int.MinValue
            "01" +       // _tagged_fields: one field
            "00 01 2A"); // tag 0, size 1, value 2A
        var read = DecodeResponse(withTag, 1);
        Assert.Equal(int.MinValue, read.CorrelationId);
        Assert.Equal(0x2A, Assert.Single(read.UnknownTaggedFields!).Data.Single());
        AssertHeader(withTag, read, 1);
    }

    [Theory]
    [InlineData(0, "0012 0003 000000")]
    [InlineData(1, "0012 0003 00000007 0005 7278")]
    [InlineData(2, "0012 0003 00000007 0002 7278")]
    [InlineData(2, "0012 0003 00000007 0002 7278 01 05")]
    public void Truncated_request_headers_are_protocol_errors(short version, string hex)
    {
        var e = Assert.Throws<KafkaProtocolException>(() => DecodeRequest(Hex(hex), version));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_tagged_field_in_a_response_header_is_a_protocol_error()
    {
        var e = Assert.Throws<KafkaProtocolException>(() => DecodeResponse(Hex("00000007 01 00 05 2A"), 1));
        Assert.Equal("bad tagged field: tag 0 claims 5 bytes at offset 5 but only 1 bytes left", e.Message);
    }

    private static void AssertHeader(byte[] expected, KafkaMessage header, short version)
    {
        Assert.Equal(ToHex(expected), ToHex(header.ToArray(version)));
        Assert.Equal(expected.Length, header.ComputeSize(version));
        var hex = ToHex(expected);
        AssertEncodes(hex, (ref KafkaWriter w) => header.Write(ref w, version));
    }

    private static RequestHeader DecodeRequest(byte[] bytes, short version)
    {
        var reader = new KafkaReader(bytes);
        var header = new RequestHeader();
        header.Read(ref reader, version);
        Assert.True(reader.End, $"{reader.Remaining} bytes left unread");
        return header;
    }

    private static ResponseHeader DecodeResponse(byte[] bytes, short version)
    {
        var reader = new KafkaReader(bytes);
        var header = new ResponseHeader();
        header.Read(ref reader, version);
        Assert.True(reader.End, $"{reader.Remaining} bytes left unread");
        return header;
    }
}
