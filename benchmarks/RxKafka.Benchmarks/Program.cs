using BenchmarkDotNet.Running;
using RxKafka.Benchmarks;

if (args is ["alloc"])
{
    await AllocationProbe.RunAsync();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
