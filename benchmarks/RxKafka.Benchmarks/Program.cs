using BenchmarkDotNet.Running;
using RxKafka.Benchmarks;

if (args is ["alloc", ..])
{
    await AllocationProbe.RunAsync(types: args is [_, "types"]);
    return;
}

if (args is ["produce-sidebyside", ..])
{
    Environment.ExitCode = await RxKafka.Benchmarks.ProduceSideBySide.ProduceSideBySideCommand.RunAsync(args[1..]);
    return;
}

if (args is ["sidebyside"])
{
    await SideBySide.RunAsync();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
