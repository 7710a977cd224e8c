namespace RxKafka.MessageGen;

/// <summary>Compares generated text with the checked-in file, and writes it when asked.</summary>
public static class GeneratedFile
{
    /// <summary>
    /// Whether <paramref name="path"/> is missing or differs from <paramref name="text"/>; when it does
    /// and <paramref name="write"/> is set, the file is (re)written.
    /// </summary>
    public static bool Sync(string path, string text, bool write)
    {
        if (File.Exists(path) && File.ReadAllText(path) == text)
        {
            return false;
        }

        if (write)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }

        return true;
    }
}
