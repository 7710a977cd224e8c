using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using RxKafka.IntegrationTests.Support;

namespace RxKafka.IntegrationTests.Packaging;

/// <summary>
/// One at a time and alone: packing builds the libraries again, which would slow the timed tests beside it.
/// The packaging and notebook tests share one <see cref="LocalFeed"/>, so the packages are packed once a run.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackagingCollection : ICollectionFixture<LocalFeed>
{
    public const string Name = "Packaging";
}

/// <summary>
/// The packages as a user gets them: packed into a local feed, restored by a fresh project from that
/// feed alone (the rest from the machine's configured registry), built and run; the tool installed
/// from it and run. Shells out to dotnet, so the deadlines are generous.
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class PackageTests(LocalFeed feed, ITestOutputHelper output)
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public void Every_package_has_the_licence_readme_repository_symbols_and_XML_docs()
    {
        output.WriteLine($"packed {string.Join(", ", LocalFeed.PackageIds)} {feed.Version} in {feed.PackTime.TotalSeconds:0} s");
        foreach (var id in LocalFeed.PackageIds)
        {
            using var package = ZipFile.OpenRead(feed.PackagePath(id));
            var metadata = Nuspec(package);
            Assert.Equal("Apache-2.0", Element(metadata, "license")?.Value);
            Assert.Equal("README.md", Element(metadata, "readme")?.Value);
            Assert.NotNull(package.GetEntry("README.md"));
            Assert.NotNull(package.GetEntry("LICENSE"));
            Assert.False(string.IsNullOrWhiteSpace(Element(metadata, "description")?.Value), id);
            Assert.Contains("kafka", Element(metadata, "tags")?.Value ?? "");
            Assert.StartsWith("https://", Element(metadata, "repository")?.Attribute("url")?.Value ?? "");
            Assert.Contains(package.Entries, e => e.FullName.EndsWith($"{id}.xml", StringComparison.Ordinal));
            Assert.True(File.Exists(Path.ChangeExtension(feed.PackagePath(id), ".snupkg")), $"{id}: no .snupkg beside the package");
        }
    }

    [Fact]
    public void A_net8_0_dependency_group_names_no_Microsoft_or_System_package_of_version_9_or_later()
    {
        foreach (var id in LocalFeed.PackageIds)
        {
            using var package = ZipFile.OpenRead(feed.PackagePath(id));
            var groups = Nuspec(package).Descendants().Where(e => e.Name.LocalName == "group" && (string?)e.Attribute("targetFramework") == "net8.0");
            foreach (var dependency in groups.SelectMany(g => g.Elements().Where(e => e.Name.LocalName == "dependency")))
            {
                var name = (string)dependency.Attribute("id")!;
                var version = (string)dependency.Attribute("version")!;
                output.WriteLine($"{id} net8.0: {name} {version}");
                Assert.False(IsNet9OrLaterPlatformPackage(name, version), $"{id}'s net8.0 group depends on {name} {version}: a .NET 8 app would get a .NET 9+ package");
            }
        }
    }

    [Fact]
    public void A_fresh_project_restores_from_the_local_feed_and_runs_metadata_and_produce_on_a_MockKafkaCluster()
    {
        var project = Path.Combine(feed.Root, "consumer");
        Directory.CreateDirectory(project);
        WriteNuGetConfig(project);
        File.WriteAllText(Path.Combine(project, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(project, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net8.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="RxKafka" Version="{feed.Version}" />
                <PackageReference Include="RxKafka.Testing" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Program.cs"), """
            using RxKafka.Client;
            using RxKafka.Producer;
            using RxKafka.Serialization;
            using RxKafka.Testing.MockCluster;

            using var cluster = MockKafkaCluster.Start(3);
            Console.WriteLine($"build {cluster.Build} {cluster.Version} {cluster.LibraryPath}");
            cluster.CreateTopic("orders", 3, 3);
            await using var client = await KafkaClient.ConnectAsync(cluster.BootstrapServers);
            var orders = await client.WaitForTopicAsync("orders");
            Console.WriteLine($"brokers {client.Snapshot.GetBrokers().Count}, topic {orders.Name} with {orders.Partitions.Length} partitions");
            await using var producer = new KafkaProducer<string?, string?>(client, new ProducerOptions(), Serializers.Utf8, Serializers.Utf8);
            var written = await producer.ProduceAsync("orders", "customer-7", "paid");
            Console.WriteLine($"produced {written}");
            """);

        var build = LocalFeed.Dotnet(project, BuildTimeout, null, "build", "-c", "Release", "-nologo");
        Assert.True(build.ExitCode == 0, $"the fresh project did not build:\n{build.Output}");
        AssertNoNet9OrLaterPlatformPackageRestored(Path.Combine(project, "obj", "project.assets.json"));

        // A .NET 8 build; DOTNET_ROLL_FORWARD lets it run where only a later runtime is installed.
        var run = LocalFeed.Dotnet(project, RunTimeout, new Dictionary<string, string> { ["DOTNET_ROLL_FORWARD"] = "Major" },
            Path.Combine(project, "bin", "Release", "net8.0", "Consumer.dll"));
        output.WriteLine(run.Output);
        Assert.True(run.ExitCode == 0, $"the fresh project failed ({run.ExitCode}):\n{run.Output}");
        Assert.Contains($"build Redist2151 2.15.1 {Path.Combine(project, "bin")}", run.StandardOutput);
        Assert.Contains("brokers 3, topic orders with 3 partitions", run.StandardOutput);
        Assert.Matches(@"produced orders-[0-2]@0", run.StandardOutput);
    }

    [Fact]
    public void The_rxkafka_tool_installs_from_the_local_feed_and_runs_help_and_an_embedded_produce()
    {
        var work = Path.Combine(feed.Root, "tool");
        Directory.CreateDirectory(work);
        var config = WriteNuGetConfig(work);
        var tools = Path.Combine(work, "tools");

        var install = LocalFeed.Dotnet(work, BuildTimeout, null,
            "tool", "install", "RxKafka.Cli", "--tool-path", tools, "--version", feed.Version, "--configfile", config);
        Assert.True(install.ExitCode == 0, $"dotnet tool install failed:\n{install.Output}");

        var help = Rxkafka(tools, null, "--help");
        Assert.True(help.ExitCode == 0, help.Output);
        Assert.Contains("demo", help.StandardOutput);
        Assert.Contains("metadata", help.StandardOutput);
        Assert.Contains("produce", help.StandardOutput);

        // The embedded cluster from the tool's own librdkafka.redist, with the project's set-up cache out of reach.
        var emptyCache = Directory.CreateDirectory(Path.Combine(work, "empty-cache")).FullName;
        var produce = Rxkafka(tools, "customer-7\tpaid\n", "produce", "-t", "orders", "-K", @"\t");
        output.WriteLine(produce.Output);
        Assert.True(produce.ExitCode == 0, produce.Output);
        Assert.Contains("1 record delivered to orders, 0 failed", produce.StandardOutput);
        Assert.True(Directory.GetFileSystemEntries(emptyCache).Length == 0);

        ChildProcessExit Rxkafka(string folder, string? input, params string[] arguments)
        {
            var start = new ProcessStartInfo(Path.Combine(folder, "rxkafka")) { WorkingDirectory = work };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            LocalFeed.Isolate(start, new Dictionary<string, string> { ["RXKAFKA_CACHE"] = Path.Combine(work, "empty-cache") });
            using var child = ChildProcess.Start(start, input);
            return child.WaitForExit(RunTimeout);
        }
    }

    /// <summary>
    /// A nuget.config whose only sources are the local feed and the registries this machine has
    /// configured; source mapping takes RxKafka* from the feed alone and everything else from the registries.
    /// </summary>
    private string WriteNuGetConfig(string directory)
    {
        var list = LocalFeed.Dotnet(directory, RunTimeout, null, "nuget", "list", "source", "--format", "Short");
        Assert.True(list.ExitCode == 0, list.Output);
        var remotes = list.StandardOutput.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith("E ", StringComparison.Ordinal))
            .Select(line => line[2..].Trim())
            .Where(source => !source.StartsWith(feed.FeedDirectory, StringComparison.Ordinal))
            .ToList();
        Assert.True(remotes.Count > 0, $"no enabled package source is configured on this machine:\n{list.Output}");

        var sources = new XElement("packageSources", new XElement("clear"), new XElement("add", new XAttribute("key", "rxkafka-local"), new XAttribute("value", feed.FeedDirectory)));
        var mapping = new XElement("packageSourceMapping",
            new XElement("packageSource", new XAttribute("key", "rxkafka-local"),
                new XElement("package", new XAttribute("pattern", "RxKafka")),
                new XElement("package", new XAttribute("pattern", "RxKafka.*"))));
        for (var i = 0; i < remotes.Count; i++)
        {
            sources.Add(new XElement("add", new XAttribute("key", $"remote-{i}"), new XAttribute("value", remotes[i])));
            mapping.Add(new XElement("packageSource", new XAttribute("key", $"remote-{i}"), new XElement("package", new XAttribute("pattern", "*"))));
        }

        var path = Path.Combine(directory, "nuget.config");
        new XDocument(new XElement("configuration", sources, mapping)).Save(path);
        return path;
    }

    private static XElement Nuspec(ZipArchive package)
    {
        var entry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = entry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static XElement? Element(XElement metadata, string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    /// <summary>A Microsoft.* or System.* package whose (lowest) version is 9 or later: one that belongs with .NET 9+.</summary>
    private static bool IsNet9OrLaterPlatformPackage(string id, string version)
    {
        if (!id.StartsWith("Microsoft.", StringComparison.OrdinalIgnoreCase) && !id.StartsWith("System.", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var major = Regex.Match(version, @"\d+");
        return major.Success && int.Parse(major.Value, System.Globalization.CultureInfo.InvariantCulture) >= 9;
    }

    private void AssertNoNet9OrLaterPlatformPackageRestored(string assetsFile)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(assetsFile));
        var restored = assets.RootElement.GetProperty("libraries").EnumerateObject()
            .Where(library => library.Value.GetProperty("type").GetString() == "package")
            .Select(library => library.Name.Split('/'))
            .ToList();
        Assert.Contains(restored, library => library[0] == "RxKafka");
        var tooNew = restored.Where(library => IsNet9OrLaterPlatformPackage(library[0], library[1])).Select(library => string.Join(' ', library)).ToList();
        output.WriteLine($"restored for net8.0: {string.Join(", ", restored.Select(library => string.Join(' ', library)))}");
        Assert.True(tooNew.Count == 0, $"a .NET 8 app restores .NET 9+ packages through RxKafka: {string.Join(", ", tooNew)}");
    }
}
