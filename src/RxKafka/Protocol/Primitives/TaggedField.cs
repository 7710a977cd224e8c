namespace RxKafka.Protocol.Primitives;

/// <summary>
/// A tagged field this client does not know (a newer broker's addition), kept as raw bytes
/// so that decoding and re-encoding a message loses nothing.
/// </summary>
/// <param name="Tag">The field's tag.</param>
/// <param name="Data">The field's encoded value.</param>
public readonly record struct TaggedField(int Tag, byte[] Data);
