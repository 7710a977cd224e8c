using System.Buffers.Binary;

namespace RxKafka.Protocol.Records;

/// <summary>
/// A control record from a control batch: a transaction marker (<see cref="ControlRecordType.Abort"/>
/// or <see cref="ControlRecordType.Commit"/>) or another control type the broker wrote.
/// Key: version int16, type int16. Value of a transaction marker: version int16, coordinator epoch int32.
/// </summary>
/// <param name="Type">The control type from the key; other values than Abort and Commit pass through as numbers.</param>
/// <param name="KeyVersion">The version of the key schema.</param>
/// <param name="ValueVersion">The version of the value schema, or -1 when the type has no transaction-marker value.</param>
/// <param name="CoordinatorEpoch">The transaction coordinator's epoch, or -1 when the type has no transaction-marker value.</param>
public readonly record struct ControlRecord(ControlRecordType Type, short KeyVersion, short ValueVersion, int CoordinatorEpoch)
{
    /// <summary>The size of a control record key.</summary>
    internal const int KeySize = 4;

    /// <summary>The size of a transaction marker value.</summary>
    internal const int MarkerValueSize = 6;

    /// <summary>Whether this is a transaction marker (Abort or Commit).</summary>
    public bool IsTransactionMarker => Type is ControlRecordType.Abort or ControlRecordType.Commit;

    /// <summary>Parses the control record carried by <paramref name="record"/> (a record of a control batch).</summary>
    /// <returns>False when the key is null or shorter than 4 bytes, or a transaction marker's value is null or shorter than 6 bytes.</returns>
    public static bool TryParse(in Record record, out ControlRecord control)
        => TryParse(record.IsKeyNull ? default : record.Key.Span, record.IsKeyNull, record.Value.Span, record.IsValueNull, out control);

    /// <summary>Parses a control record from its key and value bytes.</summary>
    /// <returns>False when the key is null or shorter than 4 bytes, or a transaction marker's value is null or shorter than 6 bytes.</returns>
    public static bool TryParse(ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull, out ControlRecord control)
    {
        control = default;
        if (keyIsNull || key.Length < KeySize)
        {
            return false;
        }

        var keyVersion = BinaryPrimitives.ReadInt16BigEndian(key);
        var type = (ControlRecordType)BinaryPrimitives.ReadInt16BigEndian(key[2..]);
        if (type is not (ControlRecordType.Abort or ControlRecordType.Commit))
        {
            control = new ControlRecord(type, keyVersion, -1, -1);
            return true;
        }

        if (valueIsNull || value.Length < MarkerValueSize)
        {
            return false;
        }

        control = new ControlRecord(type, keyVersion, BinaryPrimitives.ReadInt16BigEndian(value), BinaryPrimitives.ReadInt32BigEndian(value[2..]));
        return true;
    }

    /// <summary>Writes the 4-byte key of a control record.</summary>
    internal static void WriteKey(Span<byte> destination, ControlRecordType type, short version = 0)
    {
        BinaryPrimitives.WriteInt16BigEndian(destination, version);
        BinaryPrimitives.WriteInt16BigEndian(destination[2..], (short)type);
    }

    /// <summary>Writes the 6-byte value of a transaction marker.</summary>
    internal static void WriteMarkerValue(Span<byte> destination, int coordinatorEpoch, short version = 0)
    {
        BinaryPrimitives.WriteInt16BigEndian(destination, version);
        BinaryPrimitives.WriteInt32BigEndian(destination[2..], coordinatorEpoch);
    }
}
