using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace RxKafka.IntegrationTests.Notebooks;

/// <summary>
/// Renders displayed values as text the way Polyglot lays them out in HTML: a collection as a table
/// (one row per item, one column per public property), any other object as a table of its
/// properties, scalars as themselves.
/// </summary>
internal static class TextDisplay
{
    public static string Render(object? value)
    {
        if (IsScalar(value))
        {
            return Cell(value);
        }

        if (value is IEnumerable items)
        {
            return ItemsTable(items.Cast<object?>().ToList());
        }

        var properties = PropertiesOf(value!.GetType());
        return properties.Length == 0
            ? Cell(value)
            : Table(["property", "value"], properties.Select(p => new[] { p.Name, Cell(Get(p, value)) }).ToList());
    }

    private static string ItemsTable(List<object?> items)
    {
        if (items.Count == 0)
        {
            return "(empty)";
        }

        var first = items.FirstOrDefault(i => i is not null);
        var properties = first is null || IsScalar(first) ? [] : PropertiesOf(first.GetType());
        if (properties.Length == 0)
        {
            return Table(["value"], items.Select(i => new[] { Cell(i) }).ToList());
        }

        return Table(
            properties.Select(p => p.Name).ToArray(),
            items.Select(i => properties.Select(p => i is null ? "" : Cell(Get(p, i))).ToArray()).ToList());
    }

    private static string Table(string[] header, List<string[]> rows)
    {
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Length))).ToArray();
        var text = new StringBuilder();
        Row(text, header, widths);
        text.AppendLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            Row(text, row, widths);
        }

        return text.ToString().TrimEnd();
    }

    private static void Row(StringBuilder text, string[] cells, int[] widths) =>
        text.AppendLine(string.Join(" | ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());

    // A value inside a table: sequences inline, the rest as ToString does.
    private static string Cell(object? value) => value switch
    {
        null => "<null>",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Cell)) + "]",
        _ => value.ToString() ?? "",
    };

    private static object? Get(PropertyInfo property, object target)
    {
        try
        {
            return property.GetValue(target);
        }
        catch (TargetInvocationException e)
        {
            return $"<{e.InnerException?.GetType().Name}>";
        }
    }

    private static bool IsScalar(object? value) =>
        value is null or string or IFormattable or bool or char or Type || value.GetType().IsPrimitive;

    private static PropertyInfo[] PropertiesOf(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.GetMethod!.IsPublic)
            .ToArray();
}
