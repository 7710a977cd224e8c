namespace RxKafka.Serialization;

/// <summary>
/// The type of a key or value that is not there or not wanted: a producer of <c>Ignore</c> keys writes
/// every key as a Kafka null (<see cref="Serializers.Null"/>); a consumer of <c>Ignore</c> values skips
/// their bytes (<see cref="Deserializers.Ignore"/>). It has one value, <c>default</c>.
/// </summary>
public readonly struct Ignore : IEquatable<Ignore>
{
    /// <summary>Always true: there is only one <see cref="Ignore"/>.</summary>
    public bool Equals(Ignore other) => true;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Ignore;

    /// <inheritdoc />
    public override int GetHashCode() => 0;

    /// <inheritdoc />
    public override string ToString() => nameof(Ignore);
}
