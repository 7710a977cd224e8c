using BenchmarkDotNet.Running;
using RxKafka.Benchmarks;

if (args is ["alloc", ..])
{
    await AllocationProbe.RunAsync(types: args is [_, "types"]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
