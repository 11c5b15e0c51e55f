#!/usr/bin/env bash
# The GPU checks of the step's launch count (issue 12 items 3 and 4) in one go, for a GPU machine lent for
# minutes: the optimizer step before/after its flat buffers (OptimizerStepBenchmark: GPU, and the machine's CPU
# with all its cores and with 2), and the training step with inputs checked on the device (old) or built on the
# host (EncoderInputs, new), with the PyTorch peer for scale. About 3 minutes after the JVM starts.
# Here:  mvn -B -q -DskipTests package && ../shared/gpu/make-kit.sh bam-examples/target/gpu-kit
#        cp bench/gpu-step-checks.sh bam-examples/target/gpu-kit/
# There: bash bam-examples/target/gpu-kit/gpu-step-checks.sh   (carry bam-examples/target/gpu-kit)
K=$(cd "$(dirname "$0")" && pwd)
R="bash $K/run-java.sh -Xmx16g"
B=io.github.bamjava.examples.bench
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
lscpu | grep -E 'Model name|^CPU\(s\)'
echo "== optimizer step, GPU"
for cfg in minilm base; do
  $R $B.OptimizerStepBenchmark $cfg 20 3 gpu 2>&1 | grep -E 'OPTIMIZER|Exception|Error' | head -8
done
echo "== optimizer step, the GPU machine's CPU (all cores, then 2 threads)"
$R $B.OptimizerStepBenchmark minilm 10 2 cpu 2>&1 | grep -E 'OPTIMIZER|Exception|Error' | head -8
$R -Dai.djl.pytorch.num_threads=2 $B.OptimizerStepBenchmark minilm 10 2 cpu 2>&1 \
  | grep -E 'OPTIMIZER|Exception|Error' | head -8
echo "== training step, GPU: inputs checked on the device (old) vs built on the host (new)"
for cfg in "minilm 32" "base 128"; do
  set -- $cfg
  for inputs in device host; do
    $R $B.EncoderBenchmark --config "$1" --batch "$2" --seq 128 --mode train --steps 20 --warmup 3 \
      --inputs $inputs 2>&1 | grep -E 'RESULT|SPLIT|Exception|Error' | sed "s/^/[$inputs] /" | head -4
  done
done
echo "== PyTorch peer, fp32"
python3 "$K/peer_gpu.py" minilm 32 128 fp32 2>&1 | tail -2
python3 "$K/peer_gpu.py" base 128 128 fp32 2>&1 | tail -2
