using System.Text.Json.Serialization;

namespace RxKafka.Tests.Serialization;

public sealed record Order(string Id, int Quantity, long PlacedAt, string? Note);

/// <summary>A source-generated context: serializers built from its JsonTypeInfo need no reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Order))]
internal sealed partial class OrderJsonContext : JsonSerializerContext;
