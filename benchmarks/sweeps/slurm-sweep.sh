#!/bin/bash
# A sweep as a SLURM job array: task k runs shard k of 16 of noise.json (hxsim reads
# SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT) into noise.results.shard-k-of-16.jsonl.
# --resume lets a requeued or preempted task continue where it stopped.
#
#   jobid=$(sbatch --parsable slurm-sweep.sh)
#   sbatch --dependency=afterok:$jobid --wrap \
#     "hxsim sweep merge noise.results.jsonl 'noise.results.shard-*-of-16.jsonl' --spec noise.json"
#
#SBATCH --job-name=hxsim-sweep
#SBATCH --array=0-15
#SBATCH --cpus-per-task=2
#SBATCH --time=01:00:00
#SBATCH --output=sweep-%A_%a.log
set -eu
srun hxsim sweep noise.json --resume --threads "$SLURM_CPUS_PER_TASK"
