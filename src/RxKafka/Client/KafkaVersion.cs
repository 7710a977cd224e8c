using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace RxKafka.Client;

/// <summary>
/// An Apache Kafka release, such as 0.10.2, 2.8.0 or 3.7.1, ordered by release.
/// </summary>
/// <remarks>
/// <para>
/// Kafka numbered its releases before 1.0 with four parts (0.10.2.1: the feature release 0.10.2,
/// bug-fix 1) and from 1.0 on with three (3.7.1: feature release 3.7, bug-fix 1). This type keeps
/// three numbers: a release before 1.0 is Major 0, Minor the second number and Patch the third
/// (0.10.2 is <c>(0, 10, 2)</c>), which is what tells the 0.x feature releases apart; the bug-fix
/// number of a 0.x release is not kept.
/// </para>
/// <para>
/// <see cref="ToString"/> always writes three numbers, <c>Major.Minor.Patch</c>: "0.10.2", "2.8.0",
/// "3.7.1". <see cref="Parse"/> reads that form and the two-number form "2.8" (Patch 0).
/// A release detected from a broker's ApiVersions answer (<see cref="KafkaClient.BrokerVersion"/>, <see cref="KafkaClient.GetBrokerVersion"/>)
/// is a feature release: bug-fix releases offer the same API versions, so its last number is 0
/// from 1.0 on.
/// </para>
/// </remarks>
public readonly record struct KafkaVersion : IComparable<KafkaVersion>
{
    /// <summary>Kafka 0.10.0: the first release with ApiVersions (KIP-35).</summary>
    public static readonly KafkaVersion V0_10_0 = new(0, 10, 0);

    /// <summary>Kafka 0.10.1.</summary>
    public static readonly KafkaVersion V0_10_1 = new(0, 10, 1);

    /// <summary>Kafka 0.10.2.</summary>
    public static readonly KafkaVersion V0_10_2 = new(0, 10, 2);

    /// <summary>Kafka 0.11.0: idempotence, transactions and record batches (KIP-98).</summary>
    public static readonly KafkaVersion V0_11_0 = new(0, 11, 0);

    /// <summary>Kafka 1.0.0.</summary>
    public static readonly KafkaVersion V1_0_0 = new(1, 0, 0);

    /// <summary>Kafka 1.1.0.</summary>
    public static readonly KafkaVersion V1_1_0 = new(1, 1, 0);

    /// <summary>Kafka 2.0.0.</summary>
    public static readonly KafkaVersion V2_0_0 = new(2, 0, 0);

    /// <summary>Kafka 2.1.0: the protocol baseline Kafka 4.0 keeps (KIP-896).</summary>
    public static readonly KafkaVersion V2_1_0 = new(2, 1, 0);

    /// <summary>Kafka 2.2.0.</summary>
    public static readonly KafkaVersion V2_2_0 = new(2, 2, 0);

    /// <summary>Kafka 2.3.0.</summary>
    public static readonly KafkaVersion V2_3_0 = new(2, 3, 0);

    /// <summary>Kafka 2.4.0: the first flexible (tagged-field) versions (KIP-482).</summary>
    public static readonly KafkaVersion V2_4_0 = new(2, 4, 0);

    /// <summary>Kafka 2.5.0.</summary>
    public static readonly KafkaVersion V2_5_0 = new(2, 5, 0);

    /// <summary>Kafka 2.6.0.</summary>
    public static readonly KafkaVersion V2_6_0 = new(2, 6, 0);

    /// <summary>Kafka 2.7.0.</summary>
    public static readonly KafkaVersion V2_7_0 = new(2, 7, 0);

    /// <summary>Kafka 2.8.0.</summary>
    public static readonly KafkaVersion V2_8_0 = new(2, 8, 0);

    /// <summary>Kafka 3.0.0.</summary>
    public static readonly KafkaVersion V3_0_0 = new(3, 0, 0);

    /// <summary>Kafka 3.1.0.</summary>
    public static readonly KafkaVersion V3_1_0 = new(3, 1, 0);

    /// <summary>Kafka 3.2.0.</summary>
    public static readonly KafkaVersion V3_2_0 = new(3, 2, 0);

    /// <summary>Kafka 3.3.0.</summary>
    public static readonly KafkaVersion V3_3_0 = new(3, 3, 0);

    /// <summary>Kafka 3.4.0.</summary>
    public static readonly KafkaVersion V3_4_0 = new(3, 4, 0);

    /// <summary>Kafka 3.5.0.</summary>
    public static readonly KafkaVersion V3_5_0 = new(3, 5, 0);

    /// <summary>Kafka 3.6.0.</summary>
    public static readonly KafkaVersion V3_6_0 = new(3, 6, 0);

    /// <summary>Kafka 3.7.0.</summary>
    public static readonly KafkaVersion V3_7_0 = new(3, 7, 0);

    /// <summary>Kafka 3.8.0.</summary>
    public static readonly KafkaVersion V3_8_0 = new(3, 8, 0);

    /// <summary>Kafka 3.9.0: the last release with ZooKeeper mode.</summary>
    public static readonly KafkaVersion V3_9_0 = new(3, 9, 0);

    /// <summary>Kafka 4.0.0: KRaft only; protocol versions older than 2.1's removed (KIP-896).</summary>
    public static readonly KafkaVersion V4_0_0 = new(4, 0, 0);

    /// <summary>Kafka 4.1.0.</summary>
    public static readonly KafkaVersion V4_1_0 = new(4, 1, 0);

    /// <summary>Creates a version.</summary>
    /// <param name="major">The first number (0 for releases before 1.0).</param>
    /// <param name="minor">The second number.</param>
    /// <param name="patch">The third number.</param>
    /// <exception cref="ArgumentOutOfRangeException">A number is negative.</exception>
    public KafkaVersion(int major, int minor, int patch = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(major);
        ArgumentOutOfRangeException.ThrowIfNegative(minor);
        ArgumentOutOfRangeException.ThrowIfNegative(patch);
        Major = major;
        Minor = minor;
        Patch = patch;
    }

    /// <summary>The first number: 0 for releases before 1.0.</summary>
    public int Major { get; }

    /// <summary>The second number: 10 in 0.10.2, 8 in 2.8.0.</summary>
    public int Minor { get; }

    /// <summary>The third number: 2 in 0.10.2 (a feature release), 1 in 3.7.1 (a bug-fix release).</summary>
    public int Patch { get; }

    /// <summary>Parses "2.8", "0.10.2" or "3.7.1": two or three dot-separated decimal numbers.</summary>
    /// <param name="text">The text; surrounding whitespace is ignored.</param>
    /// <returns>The version; Patch is 0 when the text has two numbers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FormatException">The text is not a version; the message quotes it and says why.</exception>
    public static KafkaVersion Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var version, out var error)
            ? version
            : throw new FormatException($"'{text}' is not a Kafka version: {error}. Expected major.minor or major.minor.patch, e.g. 2.8, 0.10.2 or 3.7.1.");
    }

    /// <summary>Parses a version as <see cref="Parse"/> does, without throwing.</summary>
    /// <param name="text">The text; surrounding whitespace is ignored.</param>
    /// <param name="version">The version when the text is valid.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a version.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out KafkaVersion version) => TryParse(text, out version, out _);

    /// <summary>Orders versions by Major, then Minor, then Patch.</summary>
    /// <param name="other">The version to compare with.</param>
    /// <returns>Negative when this version is older, zero when equal, positive when newer.</returns>
    public int CompareTo(KafkaVersion other)
    {
        var byMajor = Major.CompareTo(other.Major);
        if (byMajor != 0)
        {
            return byMajor;
        }

        var byMinor = Minor.CompareTo(other.Minor);
        return byMinor != 0 ? byMinor : Patch.CompareTo(other.Patch);
    }

    /// <summary>Whether <paramref name="left"/> is an older release than <paramref name="right"/>.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts before <paramref name="right"/>.</returns>
    public static bool operator <(KafkaVersion left, KafkaVersion right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> is a newer release than <paramref name="right"/>.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts after <paramref name="right"/>.</returns>
    public static bool operator >(KafkaVersion left, KafkaVersion right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> is the same release as or older than <paramref name="right"/>.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> does not sort after <paramref name="right"/>.</returns>
    public static bool operator <=(KafkaVersion left, KafkaVersion right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> is the same release as or newer than <paramref name="right"/>.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> does not sort before <paramref name="right"/>.</returns>
    public static bool operator >=(KafkaVersion left, KafkaVersion right) => left.CompareTo(right) >= 0;

    /// <summary>The version as <c>Major.Minor.Patch</c>: "0.10.2", "2.8.0", "3.7.1".</summary>
    /// <returns>Three dot-separated numbers, which <see cref="Parse"/> reads back.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}.{Patch}");

    /// <summary>Parses a version, giving the reason when the text is not one.</summary>
    internal static bool TryParse(string? text, out KafkaVersion version, out string error)
    {
        version = default;
        if (text is null)
        {
            error = "the text is null";
            return false;
        }

        var rest = text.AsSpan().Trim();
        if (rest.IsEmpty)
        {
            error = "the text is empty";
            return false;
        }

        Span<int> numbers = stackalloc int[3];
        var count = 0;
        while (true)
        {
            var dot = rest.IndexOf('.');
            var part = dot < 0 ? rest : rest[..dot];
            if (part.IsEmpty)
            {
                error = $"number {count + 1} is empty";
                return false;
            }

            if (count == numbers.Length)
            {
                error = "it has more than three numbers (a 0.x bug-fix release such as 0.10.2.1 is written 0.10.2)";
                return false;
            }

            // NumberStyles.None: digits only, no sign, no spaces, no thousands separators.
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out numbers[count]))
            {
                error = $"'{part.ToString()}' is not a number from 0 to {int.MaxValue}";
                return false;
            }

            count++;
            if (dot < 0)
            {
                break;
            }

            rest = rest[(dot + 1)..];
        }

        if (count < 2)
        {
            error = "it has one number, not two or three";
            return false;
        }

        version = new KafkaVersion(numbers[0], numbers[1], count == 3 ? numbers[2] : 0);
        error = string.Empty;
        return true;
    }
}
