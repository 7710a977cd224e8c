using RxKafka.Client;
using RxKafka.Network;
using RxKafka.Protocol.Messages;

namespace RxKafka.Tests.Client;

/// <summary>K6: the broker's Kafka release from its ApiVersions table; <see cref="KafkaVersion"/>.</summary>
public sealed class BrokerVersionsTests
{
    /// <summary>
    /// What each Apache Kafka release offers in ApiVersions, as "key:max" (min 0) or "key:min-max".
    /// Derived from Apache Kafka's sources at each release tag: the request schemas in Protocol.java
    /// (0.10.0-0.11.0) and in the request classes (1.0-2.1), the request JSON from 2.2 on (highest
    /// version minus an unstable one; "zkBroker" listener for ZooKeeper mode, "broker" for KRaft);
    /// telemetry (keys 71, 72) left out as brokers offer it only when configured. Kafka 4.0 and 4.1
    /// are the 3.9 KRaft table with their published changes (Produce 12/13, Metadata 13, ListOffsets 10,
    /// Fetch 18, ListTransactions 2, ...) and KIP-896's raised minimums.
    /// </summary>
    private static readonly Dictionary<(string Release, bool KRaft), string> Offered = new()
    {
        [("0.10.0", false)] =
            "0:2 1:2 2:0 3:1 4:0 5:0 6:2 7:0 8:2 9:1 10:0 11:0 12:0 13:0 14:0 15:0 16:0 17:0 18:0",
        [("0.10.1", false)] =
            "0:2 1:3 2:1 3:2 4:0 5:0 6:2 7:0 8:2 9:1 10:0 11:1 12:0 13:0 14:0 15:0 16:0 17:0 18:0 19:0 20:0",
        [("0.10.2", false)] =
            "0:2 1:3 2:1 3:2 4:0 5:0 6:3 7:0 8:2 9:2 10:0 11:1 12:0 13:0 14:0 15:0 16:0 17:0 18:0 19:1 20:0",
        [("0.11.0", false)] =
            "0:3 1:5 2:2 3:4 4:0 5:0 6:3 7:0 8:3 9:3 10:1 11:2 12:1 13:1 14:1 15:1 16:1 17:0 18:1 19:2 20:1 "
            + "21:0 22:0 23:0 24:0 25:0 26:0 27:0 28:0 29:0 30:0 31:0 32:0 33:0",
        [("1.0.0", false)] =
            "0:5 1:6 2:2 3:5 4:1 5:0 6:4 7:1 8:3 9:3 10:1 11:2 12:1 13:1 14:1 15:1 16:1 17:1 18:1 19:2 20:1 "
            + "21:0 22:0 23:0 24:0 25:0 26:0 27:0 28:0 29:0 30:0 31:0 32:0 33:0 34:0 35:0 36:0 37:0",
        [("1.1.0", false)] =
            "0:5 1:7 2:2 3:5 4:1 5:0 6:4 7:1 8:3 9:3 10:1 11:2 12:1 13:1 14:1 15:1 16:1 17:1 18:1 19:2 20:1 "
            + "21:0 22:0 23:0 24:0 25:0 26:0 27:0 28:0 29:0 30:0 31:0 32:1 33:0 34:0 35:0 36:0 37:0 38:0 39:0 "
            + "40:0 41:0 42:0",
        [("2.0.0", false)] =
            "0:6 1:8 2:3 3:6 4:1 5:0 6:4 7:1 8:4 9:4 10:2 11:3 12:2 13:2 14:2 15:2 16:2 17:1 18:2 19:3 20:2 "
            + "21:1 22:1 23:1 24:1 25:1 26:1 27:0 28:1 29:1 30:1 31:1 32:2 33:1 34:1 35:1 36:0 37:1 38:1 39:1 "
            + "40:1 41:1 42:1",
        [("2.1.0", false)] =
            "0:7 1:10 2:4 3:7 4:1 5:0 6:4 7:1 8:6 9:5 10:2 11:3 12:2 13:2 14:2 15:2 16:2 17:1 18:2 19:3 20:3 "
            + "21:1 22:1 23:2 24:1 25:1 26:1 27:0 28:2 29:1 30:1 31:1 32:2 33:1 34:1 35:1 36:0 37:1 38:1 39:1 "
            + "40:1 41:1 42:1",
        [("2.2.0", false)] =
            "0:7 1:10 2:5 3:7 4:2 5:1 6:5 7:2 8:6 9:5 10:2 11:4 12:2 13:2 14:2 15:2 16:2 17:1 18:2 19:3 20:3 "
            + "21:1 22:1 23:2 24:1 25:1 26:1 27:0 28:2 29:1 30:1 31:1 32:2 33:1 34:1 35:1 36:1 37:1 38:1 39:1 "
            + "40:1 41:1 42:1 43:0",
        [("2.3.0", false)] =
            "0:7 1:11 2:5 3:8 4:2 5:1 6:5 7:2 8:7 9:5 10:2 11:5 12:3 13:2 14:3 15:3 16:2 17:1 18:2 19:3 20:3 "
            + "21:1 22:1 23:3 24:1 25:1 26:1 27:0 28:2 29:1 30:1 31:1 32:2 33:1 34:1 35:1 36:1 37:1 38:1 39:1 "
            + "40:1 41:1 42:1 43:0 44:0",
        [("2.4.0", false)] =
            "0:8 1:11 2:5 3:9 4:4 5:2 6:6 7:3 8:8 9:6 10:3 11:6 12:4 13:4 14:4 15:5 16:3 17:1 18:3 19:5 20:4 "
            + "21:1 22:2 23:3 24:1 25:1 26:1 27:0 28:2 29:1 30:1 31:1 32:2 33:1 34:1 35:1 36:1 37:1 38:2 39:1 "
            + "40:1 41:1 42:2 43:2 44:1 45:0 46:0 47:0",
        [("2.5.0", false)] =
            "0:8 1:11 2:5 3:9 4:4 5:2 6:6 7:3 8:8 9:7 10:3 11:7 12:4 13:4 14:5 15:5 16:3 17:1 18:3 19:5 20:4 "
            + "21:1 22:3 23:3 24:1 25:1 26:1 27:0 28:3 29:2 30:2 31:2 32:2 33:1 34:1 35:1 36:2 37:2 38:2 39:2 "
            + "40:2 41:2 42:2 43:2 44:1 45:0 46:0 47:0",
        [("2.6.0", false)] =
            "0:8 1:11 2:5 3:9 4:4 5:3 6:6 7:3 8:8 9:7 10:3 11:7 12:4 13:4 14:5 15:5 16:4 17:1 18:3 19:5 20:4 "
            + "21:2 22:3 23:3 24:1 25:1 26:1 27:0 28:3 29:2 30:2 31:2 32:3 33:1 34:1 35:2 36:2 37:2 38:2 39:2 "
            + "40:2 41:2 42:2 43:2 44:1 45:0 46:0 47:0 48:0 49:0",
        [("2.7.0", false)] =
            "0:8 1:12 2:5 3:9 4:4 5:3 6:6 7:3 8:8 9:7 10:3 11:7 12:4 13:4 14:5 15:5 16:4 17:1 18:3 19:6 20:5 "
            + "21:2 22:4 23:3 24:2 25:2 26:2 27:0 28:3 29:2 30:2 31:2 32:3 33:1 34:1 35:2 36:2 37:3 38:2 39:2 "
            + "40:2 41:2 42:2 43:2 44:1 45:0 46:0 47:0 48:0 49:0 50:0 51:0 52:0 53:0 54:0 55:0 56:0 57:0",
        [("2.8.0", false)] =
            "0:9 1:12 2:6 3:11 4:5 5:3 6:7 7:3 8:8 9:7 10:3 11:7 12:4 13:4 14:5 15:5 16:4 17:1 18:3 19:7 20:6 "
            + "21:2 22:4 23:4 24:3 25:3 26:3 27:1 28:3 29:2 30:2 31:2 32:4 33:2 34:2 35:2 36:2 37:3 38:2 39:2 "
            + "40:2 41:2 42:2 43:2 44:1 45:0 46:0 47:0 48:1 49:1 50:0 51:0 56:0 57:0 60:0 61:0",
        [("2.8.0", true)] =
            "0:9 1:12 2:6 3:11 8:8 9:7 10:3 11:7 12:4 13:4 14:5 15:5 16:4 17:1 18:3 19:7 20:6 21:2 23:4 27:1 "
            + "32:4 34:2 35:2 36:2 42:2 44:1 47:0 49:1 55:0 60:0 61:0 64:0",
        [("3.0.0", false)] =
            "0:9 1:12 2:7 3:11 4:5 5:3 6:7 7:3 8:8 9:8 10:4 11:7 12:4 13:4 14:5 15:5 16:4 17:1 18:3 19:7 20:6 "
            + "21:2 22:4 23:4 24:3 25:3 26:3 27:1 28:3 29:2 30:2 31:2 32:4 33:2 34:2 35:2 36:2 37:3 38:2 39:2 "
            + "40:2 41:2 42:2 43:2 44:1 45:0 46:0 47:0 48:1 49:1 50:0 51:0 56:0 57:0 60:0 61:0 65:0 66:0 67:0",
        [("3.0.0", true)] =
            "0:9 1:12 2:7 3:11 8:8 9:8 10:4 11:7 12:4 13:4 14:5 15:5 16:4 17:1 18:3 19:7 20:6 21:2 22:4 23:4 "
            + "24:3 25:3 26:3 27:1 28:3 29:2 30:2 31:2 32:4 33:2 34:2 35:2 36:2 37:3 42:2 43:2 44:1 45:0 46:0 "
            + "47:0 48:1 49:1 55:0 57:0 60:0 61:0 65:0 66:0",
        [("3.1.0", false)] =
            "0:9 1:13 2:7 3:12 4:5 5:3 6:7 7:3 8:8 9:8 10:4 11:7 12:4 13:4 14:5 15:5 16:4 17:1 18:3 19:7 20:6 "
            + "21:2 22:4 23:4 24:3 25:3 26:3 27:1 28:3 29:2 30:2 31:2 32:4 33:2 34:2 35:2 36:2 37:3 38:2 39:2 "
            + "40:2 41:2 42:2 43:2 44:1 45:0 46:0 47:0 48:1 49:1 50:0 51:0 56:0 57:0 60:0 61:0 65:0 66:0 67:0",
        [("3.1.0", true)] =
            "0:9 1:13 2:7 3:12 8:8 9:8 10:4 11:7 12:4 13:4 14:5 15:5 16:4 17:1 18:3 19:7 20:6 21:2 22:4 23:4 "
            + "24:3 25:3 26:3 27:1 28:3 29:2 30:2 31:2 32:4 33:2 34:2 35:2 36:2 37:3 42:2 43:2 44:1 45:0 46:0 "
            + "47:0 48:1 49:1 55:0 57:0 60:0 61:0 65:0 66:0",
        [("3.2.0", false)] =
            "0:9 1:13 2:7 3:12 4:6 5:3 6:7 7:3 8:8 9:8 10:4 11:9 12:4 13:5 14:5 15:5 16:4 17:1 18:3 19:7 20:6 "
            + "21:2 22:4 23:4 24:3 25:3 26:3 27:1 28:3 29:2 30:2 31:2 32:4 33:2 34:2 35:3 36:2 37:3 38:2 39:2 "
            + "40:2 41:2 42:2 43:2 44:1 45:0 46:0 47:0 48:1 49:1 50:0 51:0 56:1 57:0 60:0 61:0 65:0 66:0 67:0",
        [("3.2.0", true)] =
            "0:9 1:13 2:7 3:12 8:8 9:8 10:4 11:9 12:4 13:5 14:5 15:5 16:4 17:1 18:3 19:7 20:6 21:2 22:4 23:4 "
            + "24:3 25:3 26:3 27:1 28:3 29:2 30:2 31:2 32:4 33:2 34:2 35:3 36:2 37:3 42:2 43:2 44:1 45:0 46:0 "
            + "47:0 48:1 49:1 55:0 57:0 60:0 61:0 65:0 66:0",
        [("3.3.0", false)] =
            "0:9 1:13 2:7 3:12 4:6 5:3 6:7 7:3 8:8 9:8 10:4 11:9 12:4 13:5 14:5 15:5 16:4 17:1 18:3 19:7 20:6 "
            + "21:2 22:4 23:4 24:3 25:3 26:3 27:1 28:3 29:3 30:3 31:3 32:4 33:2 34:2 35:4 36:2 37:3 38:3 39:2 "
            + "40:2 41:3 42:2 43:2 44:1 45:0 46:0 47:0 48:1 49:1 50:0 51:0 56:2 57:1 60:0 61:0 65:0 66:0 67:0",
        [("3.3.0", true)] =
            "0:9 1:13 2:7 3:12 8:8 9:8 10:4 11:9 12:4 13:5 14:5 15:5 16:4 17:1 18:3 19:7 20:6 21:2 22:4 23:4 "
            + "24:3 25:3 26:3 27:1 28:3 29:3 30:3 31:3 32:4 33:2 34:2 35:4 36:2 37:3 42:2 43:2 44:1 45:0 46:0 "
            + "47:0 48:1 49:1 55:1 57:1 60:0 61:0 64:0 65:0 66:0",
        [("3.4.0", false)] =
            "0:9 1:13 2:7 3:12 4:7 5:4 6:8 7:3 8:8 9:8 10:4 11:9 12:4 13:5 14:5 15:5 16:4 17:1 18:3 19:7 20:6 "
            + "21:2 22:4 23:4 24:3 25:3 26:3 27:1 28:3 29:3 30:3 31:3 32:4 33:2 34:2 35:4 36:2 37:3 38:3 39:2 "
            + "40:2 41:3 42:2 43:2 44:1 45:0 46:0 47:0 48:1 49:1 50:0 51:0 56:2 57:1 58:0 60:0 61:0 65:0 66:0 "
            + "67:0",
        [("3.4.0", true)] =
            "0:9 1:13 2:7 3:12 8:8 9:8 10:4 11:9 12:4 13:5 14:5 15:5 16:4 17:1 18:3 19:7 20:6 21:2 22:4 23:4 "
            + "24:3 25:3 26:3 27:1 28:3 29:3 30:3 31:3 32:4 33:2 34:2 35:4 36:2 37:3 42:2 43:2 44:1 45:0 46:0 "
            + "47:0 48:1 49:1 55:1 57:1 60:0 61:0 64:0 65:0 66:0",
        [("3.5.0", false)] =
            "0:9 1:15 2:8 3:12 4:7 5:4 6:8 7:3 8:8 9:8 10:4 11:9 12:4 13:5 14:5 15:5 16:4 17:1 18:3 19:7 20:6 "
            + "21:2 22:4 23:4 24:3 25:3 26:3 27:1 28:3 29:3 30:3 31:3 32:4 33:2 34:2 35:4 36:2 37:3 38:3 39:2 "
            + "40:2 41:3 42:2 43:2 44:1 45:0 46:0 47:0 48:1 49:1 50:0 51:0 56:3 57:1 58:0 60:0 61:0 65:0 66:0 "
            + "67:0",
        [("3.5.0", true)] =
            "0:9 1:15 2:8 3:12 8:8 9:8 10:4 11:9 12:4 13:5 14:5 15:5 16:4 17:1 18:3 19:7 20:6 21:2 22:4 23:4 "
            + "24:3 25:3 26:3 27:1 28:3 29:3 30:3 31:3 32:4 33:2 34:2 35:4 36:2 37:3 42:2 43:2 44:1 45:0 46:0 "
            + "47:0 48:1 49:1 50:0 51:0 55:1 57:1 60:0 61:0 64:0 65:0 66:0",
        [("3.6.0", false)] =
            "0:9 1:15 2:8 3:12 4:7 5:4 6:8 7:3 8:8 9:8 10:4 11:9 12:4 13:5 14:5 15:5 16:4 17:1 18:3 19:7 20:6 "
            + "21:2 22:4 23:4 24:4 25:3 26:3 27:1 28:3 29:3 30:3 31:3 32:4 33:2 34:2 35:4 36:2 37:3 38:3 39:2 "
            + "40:2 41:3 42:2 43:2 44:1 45:0 46:0 47:0 48:1 49:1 50:0 51:0 56:3 57:1 58:0 60:0 61:0 65:0 66:0 "
            + "67:0",
        [("3.6.0", true)] =
            "0:9 1:15 2:8 3:12 8:8 9:8 10:4 11:9 12:4 13:5 14:5 15:5 16:4 17:1 18:3 19:7 20:6 21:2 22:4 23:4 "
            + "24:4 25:3 26:3 27:1 28:3 29:3 30:3 31:3 32:4 33:2 34:2 35:4 36:2 37:3 38:3 39:2 40:2 41:3 42:2 "
            + "43:2 44:1 45:0 46:0 47:0 48:1 49:1 50:0 51:0 55:1 57:1 60:0 61:0 64:0 65:0 66:0",
        [("3.7.0", false)] =
            "0:10 1:16 2:8 3:12 4:7 5:4 6:8 7:3 8:9 9:9 10:4 11:9 12:4 13:5 14:5 15:5 16:4 17:1 18:3 19:7 "
            + "20:6 21:2 22:4 23:4 24:4 25:3 26:3 27:1 28:3 29:3 30:3 31:3 32:4 33:2 34:2 35:4 36:2 37:3 38:3 "
            + "39:2 40:2 41:3 42:2 43:2 44:1 45:0 46:0 47:0 48:1 49:1 50:0 51:0 56:3 57:1 58:0 60:1 61:0 65:0 "
            + "66:0 67:0 68:0",
        [("3.7.0", true)] =
            "0:10 1:16 2:8 3:12 8:9 9:9 10:4 11:9 12:4 13:5 14:5 15:5 16:4 17:1 18:3 19:7 20:6 21:2 22:4 23:4 "
            + "24:4 25:3 26:3 27:1 28:3 29:3 30:3 31:3 32:4 33:2 34:2 35:4 36:2 37:3 38:3 39:2 40:2 41:3 42:2 "
            + "43:2 44:1 45:0 46:0 47:0 48:1 49:1 50:0 51:0 55:1 57:1 60:1 61:0 64:0 65:0 66:0 68:0 74:0",
        [("3.8.0", false)] =
            "0:11 1:16 2:8 3:12 4:7 5:4 6:8 7:3 8:9 9:9 10:5 11:9 12:4 13:5 14:5 15:5 16:5 17:1 18:3 19:7 "
            + "20:6 21:2 22:5 23:4 24:5 25:4 26:4 27:1 28:4 29:3 30:3 31:3 32:4 33:2 34:2 35:4 36:2 37:3 38:3 "
            + "39:2 40:2 41:3 42:2 43:2 44:1 45:0 46:0 47:0 48:1 49:1 50:0 51:0 56:3 57:1 58:0 60:1 61:0 65:0 "
            + "66:1 67:0 68:0 69:0",
        [("3.8.0", true)] =
            "0:11 1:16 2:8 3:12 8:9 9:9 10:5 11:9 12:4 13:5 14:5 15:5 16:5 17:1 18:3 19:7 20:6 21:2 22:5 23:4 "
            + "24:5 25:4 26:4 27:1 28:4 29:3 30:3 31:3 32:4 33:2 34:2 35:4 36:2 37:3 38:3 39:2 40:2 41:3 42:2 "
            + "43:2 44:1 45:0 46:0 47:0 48:1 49:1 50:0 51:0 55:1 57:1 60:1 61:0 64:0 65:0 66:1 68:0 69:0 74:0 "
            + "75:0",
        [("3.9.0", false)] =
            "0:11 1:17 2:9 3:12 4:7 5:4 6:8 7:3 8:9 9:9 10:6 11:9 12:4 13:5 14:5 15:5 16:5 17:1 18:4 19:7 "
            + "20:6 21:2 22:5 23:4 24:5 25:4 26:4 27:1 28:4 29:3 30:3 31:3 32:4 33:2 34:2 35:4 36:2 37:3 38:3 "
            + "39:2 40:2 41:3 42:2 43:2 44:1 45:0 46:0 47:0 48:1 49:1 50:0 51:0 56:3 57:1 58:0 60:1 61:0 65:0 "
            + "66:1 67:0 68:0 69:0",
        [("3.9.0", true)] =
            "0:11 1:17 2:9 3:12 8:9 9:9 10:6 11:9 12:4 13:5 14:5 15:5 16:5 17:1 18:4 19:7 20:6 21:2 22:5 23:4 "
            + "24:5 25:4 26:4 27:1 28:4 29:3 30:3 31:3 32:4 33:2 34:2 35:4 36:2 37:3 38:3 39:2 40:2 41:3 42:2 "
            + "43:2 44:1 45:0 46:0 47:0 48:1 49:1 50:0 51:0 55:2 57:1 60:1 61:0 64:0 65:0 66:1 68:0 69:0 74:0 "
            + "75:0 80:0 81:0",
        [("4.0.0", true)] =
            "0:12 1:4-17 2:1-10 3:13 8:2-9 9:1-9 10:6 11:2-9 12:4 13:5 14:5 15:6 16:5 17:1 18:4 19:2-7 20:1-6 "
            + "21:2 22:5 23:2-4 24:5 25:4 26:5 27:1-1 28:5 29:1-3 30:1-3 31:1-3 32:1-4 33:2 34:1-2 35:1-4 36:2 "
            + "37:3 38:1-3 39:1-2 40:1-2 41:1-3 42:2 43:2 44:1 45:0 46:0 47:0 48:1 49:1 50:0 51:0 55:2 57:2 "
            + "60:2 61:0 64:0 65:0 66:1 68:1 69:1 74:0 75:0 80:0 81:0",
        [("4.1.0", true)] =
            "0:13 1:4-18 2:1-10 3:13 8:2-9 9:1-9 10:6 11:9 12:4 13:5 14:5 15:6 16:5 17:1 18:4 19:2-7 20:1-6 "
            + "21:2 22:5 23:2-4 24:5 25:4 26:5 27:1-1 28:5 29:1-3 30:1-3 31:1-3 32:1-4 33:2 34:1-2 35:1-4 36:2 "
            + "37:3 38:1-3 39:1-2 40:1-2 41:1-3 42:2 43:2 44:1 45:1 46:0 47:0 48:1 49:1 50:0 51:0 55:2 57:2 "
            + "60:2 61:0 64:0 65:0 66:2 68:1 69:1 74:1 75:0 76:1 77:1 78:1 79:1 80:0 81:0 83:0 84:0 85:0 86:0 "
            + "87:0 90:0 91:0 92:0",
    };

    /// <summary>Kafka 0.9.0: no ApiVersions, SaslHandshake or anything later (0.9 brokers cannot even answer ApiVersions).</summary>
    private const string Kafka090 = "0:1 1:1 2:0 3:0 4:0 5:0 6:1 7:1 8:2 9:1 10:0 11:0 12:0 13:0 14:0 15:0 16:0";

    /// <summary>
    /// librdkafka's mock cluster, ApiVersions v0 answers observed with a throwaway console
    /// (not committed) against the two builds the integration tests use.
    /// Debian's librdkafka 2.0.2: Fetch v11 is its newest probe (2.3), though its Produce (v7, 2.1)
    /// and Metadata (v2, 0.10.1) are far older.
    /// </summary>
    private const string LibrdkafkaMock202 =
        "0:7 1:11 2:5 3:2 8:7 9:5 10:2 11:5 12:3 13:1 14:3 18:2 22:4 24:1 25:1 26:1 28:2";

    /// <summary>
    /// librdkafka 2.15.1 (librdkafka.redist, as the source build before it): Produce v10 and Fetch v16 say 3.7. It also offers versions
    /// no Apache release has together with these (Heartbeat v5, ConsumerGroupHeartbeat only v1, share
    /// group APIs v1, ApiVersions only up to v2, OffsetForLeaderEpoch only v2), none of them a probe.
    /// </summary>
    private const string LibrdkafkaMock2151 =
        "0:10 1:16 2:7 3:12 8:9 9:6 10:3 11:6 12:5 13:4 14:4 18:2 22:4 23:2-2 24:1 25:1 26:1 28:3 68:1-1 "
        + "71:0 72:0 76:1-1 78:1-1 79:1-1";

    private static readonly KafkaVersion[] AllReleases =
    [
        KafkaVersion.V0_10_0, KafkaVersion.V0_10_1, KafkaVersion.V0_10_2, KafkaVersion.V0_11_0,
        KafkaVersion.V1_0_0, KafkaVersion.V1_1_0,
        KafkaVersion.V2_0_0, KafkaVersion.V2_1_0, KafkaVersion.V2_2_0, KafkaVersion.V2_3_0, KafkaVersion.V2_4_0,
        KafkaVersion.V2_5_0, KafkaVersion.V2_6_0, KafkaVersion.V2_7_0, KafkaVersion.V2_8_0,
        KafkaVersion.V3_0_0, KafkaVersion.V3_1_0, KafkaVersion.V3_2_0, KafkaVersion.V3_3_0, KafkaVersion.V3_4_0,
        KafkaVersion.V3_5_0, KafkaVersion.V3_6_0, KafkaVersion.V3_7_0, KafkaVersion.V3_8_0, KafkaVersion.V3_9_0,
        KafkaVersion.V4_0_0, KafkaVersion.V4_1_0,
    ];

    private static List<(short ApiKey, short MinVersion, short MaxVersion)> Entries(string offered) =>
        offered.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(entry =>
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            var range = entry[(colon + 1)..].Split('-');
            var key = short.Parse(entry[..colon], System.Globalization.CultureInfo.InvariantCulture);
            var min = range.Length == 2 ? short.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture) : (short)0;
            var max = short.Parse(range[^1], System.Globalization.CultureInfo.InvariantCulture);
            return (key, min, max);
        }).ToList();

    private static ApiVersionTable Table(string offered) => new(Entries(offered));

    private static ApiVersionTable Table(params (ApiKey Key, short Min, short Max)[] entries) =>
        new(entries.Select(e => ((short)e.Key, e.Min, e.Max)));

    public static TheoryData<string, bool> ReleaseTables()
    {
        var data = new TheoryData<string, bool>();
        foreach (var (release, kraft) in Offered.Keys)
        {
            data.Add(release, kraft);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ReleaseTables))]
    public void K6_each_releases_own_table_is_detected_as_that_release(string release, bool kraft)
    {
        var expected = KafkaVersion.Parse(release);

        var detected = BrokerVersions.Detect(Table(Offered[(release, kraft)]));

        // The one release that cannot be told apart: KRaft 3.4 changed nothing a KRaft broker offers.
        Assert.Equal(kraft && expected == KafkaVersion.V3_4_0 ? KafkaVersion.V3_3_0 : expected, detected);
    }

    [Fact]
    public void K6_the_release_table_covers_every_release_from_0_10_through_4_1_newest_first()
    {
        Assert.Equal(Enumerable.Reverse(AllReleases), BrokerVersions.Releases.Select(r => r.Release));
        Assert.All(BrokerVersions.Releases, r => Assert.InRange(r.Probes.Length, 1, 2));
        Assert.Equal(AllReleases, Offered.Keys.Select(k => KafkaVersion.Parse(k.Release)).Distinct().Order());
    }

    [Fact]
    public void K6_every_probe_is_new_in_its_release_and_offered_by_it()
    {
        foreach (var release in BrokerVersions.Releases)
        {
            foreach (var probe in release.Probes)
            {
                foreach (var ((name, kraft), offered) in Offered)
                {
                    var table = Table(offered);
                    var tableRelease = KafkaVersion.Parse(name);
                    if (tableRelease < release.Release)
                    {
                        Assert.False(probe.IsOfferedBy(table), $"{probe} (probe of {release.Release}) is offered by {name} already");
                    }
                    else if (tableRelease == release.Release && !(kraft && tableRelease == KafkaVersion.V3_4_0))
                    {
                        Assert.True(probe.IsOfferedBy(table), $"{probe} (probe of {release.Release}) is not offered by {name} {(kraft ? "KRaft" : "ZooKeeper")}");
                    }
                }
            }
        }
    }

    public static TheoryData<string> KnownReleases()
    {
        var data = new TheoryData<string>();
        foreach (var release in AllReleases)
        {
            data.Add(release.ToString());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KnownReleases))]
    public void K6_all_probes_up_to_a_release_are_detected_as_that_release(string release)
    {
        // A table built from the probes alone: for each API, the highest probe version up to the release.
        var version = KafkaVersion.Parse(release);
        var offered = BrokerVersions.Releases
            .Where(r => r.Release <= version)
            .SelectMany(r => r.Probes)
            .GroupBy(p => p.ApiKey)
            .Select(g => ((short)g.Key, (short)0, g.Max(p => p.Version)));

        Assert.Equal(version, BrokerVersions.Detect(offered));
    }

    public static TheoryData<string, ApiKey, short> EveryProbe()
    {
        var data = new TheoryData<string, ApiKey, short>();
        foreach (var release in BrokerVersions.Releases)
        {
            foreach (var probe in release.Probes)
            {
                data.Add(release.Release.ToString(), probe.ApiKey, probe.Version);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryProbe))]
    public void K6_any_one_probe_alone_identifies_its_release(string release, ApiKey apiKey, short version)
    {
        // What a partial implementation looks like: one API, nothing older.
        Assert.Equal(KafkaVersion.Parse(release), BrokerVersions.Detect(Table((apiKey, (short)0, version))));
        Assert.Equal(KafkaVersion.Parse(release), BrokerVersions.Detect(Table((apiKey, version, version))));
    }

    [Fact]
    public void K6_a_mixed_table_answers_the_newest_probe_it_offers()
    {
        // As librdkafka's mock does: a new Produce, old everything else, no older probes at all.
        Assert.Equal(KafkaVersion.V3_8_0, BrokerVersions.Detect(Table(
            (ApiKey.Produce, 0, 11), (ApiKey.Metadata, 0, 2), (ApiKey.ApiVersions, 0, 2))));
        Assert.Equal(KafkaVersion.V3_9_0, BrokerVersions.Detect(Table((ApiKey.Fetch, 4, 17), (ApiKey.ApiVersions, 0, 0))));

        // A 4.1 probe wins over everything a 2.1 broker offers.
        var withListTransactions = Entries(Offered[("2.1.0", false)]);
        withListTransactions.Add(((short)ApiKey.ListTransactions, 0, 2));
        Assert.Equal(KafkaVersion.V4_1_0, BrokerVersions.Detect(withListTransactions));
    }

    [Fact]
    public void K6_the_librdkafka_mock_cluster_tables_are_detected_as_observed()
    {
        Assert.Equal(KafkaVersion.V2_3_0, BrokerVersions.Detect(Entries(LibrdkafkaMock202)));
        Assert.Equal(KafkaVersion.V3_7_0, BrokerVersions.Detect(Entries(LibrdkafkaMock2151)));
    }

    [Fact]
    public void K6_raised_minimum_versions_do_not_hide_a_release()
    {
        // Only the newest version of every API, as a broker that dropped all older ones would offer.
        var newestOnly = Entries(Offered[("3.9.0", true)]).Select(e => (e.ApiKey, e.MaxVersion, e.MaxVersion));

        Assert.Equal(KafkaVersion.V3_9_0, BrokerVersions.Detect(newestOnly));
    }

    [Fact]
    public void K6_versions_newer_than_known_are_the_newest_known_release()
    {
        var future = Entries(Offered[("4.1.0", true)]).Select(e => (e.ApiKey, e.MinVersion, (short)(e.MaxVersion + 5))).ToList();
        future.Add((200, 0, 3));

        Assert.Equal(KafkaVersion.V4_1_0, BrokerVersions.Detect(future));
    }

    [Fact]
    public void K6_a_table_from_before_0_10_is_null()
    {
        Assert.Null(BrokerVersions.Detect(Entries(Kafka090)));
        Assert.Null(BrokerVersions.Detect([]));
        Assert.Null(BrokerVersions.Detect(Table((ApiKey.Produce, 0, 1), (ApiKey.Fetch, 0, 1), (ApiKey.Metadata, 0, 0))));
    }

    [Fact]
    public void K6_both_overloads_agree_and_reject_null()
    {
        foreach (var offered in Offered.Values)
        {
            Assert.Equal(BrokerVersions.Detect(Table(offered)), BrokerVersions.Detect(Entries(offered)));
        }

        Assert.Throws<ArgumentNullException>(() => BrokerVersions.Detect((ApiVersionTable)null!));
        Assert.Throws<ArgumentNullException>(() => BrokerVersions.Detect((IEnumerable<(short, short, short)>)null!));
    }

    // KafkaVersion

    public static TheoryData<string, int, int, int> ValidVersions => new()
    {
        { "2.8", 2, 8, 0 },
        { "0.10.2", 0, 10, 2 },
        { "3.7.1", 3, 7, 1 },
        { "0.10", 0, 10, 0 },
        { "4.1.0", 4, 1, 0 },
        { "  3.9\t", 3, 9, 0 },
        { "02.08", 2, 8, 0 },
        { "10.20.30", 10, 20, 30 },
        { "2147483647.0", int.MaxValue, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(ValidVersions))]
    public void KafkaVersion_parses_two_or_three_numbers(string text, int major, int minor, int patch)
    {
        var expected = new KafkaVersion(major, minor, patch);

        Assert.Equal(expected, KafkaVersion.Parse(text));
        Assert.True(KafkaVersion.TryParse(text, out var parsed));
        Assert.Equal(expected, parsed);
        Assert.Equal((major, minor, patch), (parsed.Major, parsed.Minor, parsed.Patch));
    }

    public static TheoryData<string, string> InvalidVersions => new()
    {
        { "", "empty" },
        { "   ", "empty" },
        { "2", "one number" },
        { "2.", "number 2 is empty" },
        { ".8", "number 1 is empty" },
        { "2..8", "number 2 is empty" },
        { "2.8.", "number 3 is empty" },
        { "2.8.0.", "number 4 is empty" },
        { "0.10.2.1", "more than three numbers" },
        { "2.8.0.0", "more than three numbers" },
        { "v2.8", "'v2' is not a number" },
        { "2.8-SNAPSHOT", "'8-SNAPSHOT' is not a number" },
        { "2.-8", "'-8' is not a number" },
        { "+2.8", "'+2' is not a number" },
        { "2. 8", "' 8' is not a number" },
        { "2,8", "'2,8' is not a number" },
        { "auto", "'auto' is not a number" },
        { "2.8.x", "'x' is not a number" },
        { "2147483648.0", "'2147483648' is not a number" },
    };

    [Theory]
    [MemberData(nameof(InvalidVersions))]
    public void KafkaVersion_invalid_text_is_a_format_error_quoting_it(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => KafkaVersion.Parse(text));

        Assert.Contains($"'{text}' is not a Kafka version", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.False(KafkaVersion.TryParse(text, out var version));
        Assert.Equal(default, version);
    }

    [Fact]
    public void KafkaVersion_null_is_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => KafkaVersion.Parse(null!));
        Assert.False(KafkaVersion.TryParse(null, out _));
    }

    [Theory]
    [InlineData(0, 10, 2, "0.10.2")]
    [InlineData(0, 11, 0, "0.11.0")]
    [InlineData(2, 8, 0, "2.8.0")]
    [InlineData(3, 7, 1, "3.7.1")]
    [InlineData(4, 1, 0, "4.1.0")]
    [InlineData(0, 0, 0, "0.0.0")]
    public void KafkaVersion_formats_three_numbers_that_parse_back(int major, int minor, int patch, string text)
    {
        var version = new KafkaVersion(major, minor, patch);

        Assert.Equal(text, version.ToString());
        Assert.Equal(version, KafkaVersion.Parse(version.ToString()));
    }

    [Fact]
    public void KafkaVersion_well_known_releases_format_as_Kafka_names_them()
    {
        Assert.Equal(
            "0.10.0 0.10.1 0.10.2 0.11.0 1.0.0 1.1.0 2.0.0 2.1.0 2.2.0 2.3.0 2.4.0 2.5.0 2.6.0 2.7.0 2.8.0 "
            + "3.0.0 3.1.0 3.2.0 3.3.0 3.4.0 3.5.0 3.6.0 3.7.0 3.8.0 3.9.0 4.0.0 4.1.0",
            string.Join(' ', AllReleases));
    }

    [Fact]
    public void KafkaVersion_orders_by_major_minor_patch()
    {
        KafkaVersion[] ascending =
        [
            new(0, 9, 0), new(0, 10, 0), new(0, 10, 2), new(0, 11, 0), new(1, 0, 0), new(1, 0, 2), new(1, 1, 0),
            new(2, 8, 0), new(2, 8, 1), new(2, 10, 0), new(3, 0, 0), new(3, 9, 2), new(4, 0, 0), new(4, 1, 0),
        ];

        for (var i = 0; i < ascending.Length; i++)
        {
            for (var j = 0; j < ascending.Length; j++)
            {
                var (a, b) = (ascending[i], ascending[j]);
                Assert.Equal(i.CompareTo(j), Math.Sign(a.CompareTo(b)));
                Assert.Equal(i < j, a < b);
                Assert.Equal(i > j, a > b);
                Assert.Equal(i <= j, a <= b);
                Assert.Equal(i >= j, a >= b);
                Assert.Equal(i == j, a == b);
                Assert.Equal(i != j, a != b);
            }
        }

        Assert.Equal(ascending, Enumerable.Reverse(ascending).Order());
        Assert.Equal(KafkaVersion.V2_8_0, KafkaVersion.Parse("2.8"));
        Assert.Equal(new KafkaVersion(2, 8).GetHashCode(), KafkaVersion.Parse("2.8.0").GetHashCode());
    }

    [Fact]
    public void KafkaVersion_negative_numbers_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new KafkaVersion(-1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KafkaVersion(0, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KafkaVersion(0, 0, -1));
    }
}
