#!/usr/bin/env bash
# The sbatch scripts of slurm/ on a real one-node Slurm cluster (shared/tools/slurm-local).
#   slurm_scripts.sh scripts|requeue MPIBATCH PYTHON STATE_DIR [SLURM_LOCAL]
# scripts: every script passes bash -n and carries the same mpibatch-slurm block; sbatch
#   --test-only accepts each one with its GPU lines taken out (and rejects gpu.sbatch as it is
#   only for lack of GPUs); then cpu.sbatch (the demo job), its mpirun alternative, gpu.sbatch
#   without its GPU lines and train.sbatch (1 epoch of an MLP) run with sbatch --wait, and their
#   result files are checked. hetjob.sbatch cannot run here: Slurm does not place two
#   components of a heterogeneous job on one node.
# requeue: cpu.sbatch on a slowed-down job gets SIGUSR1 in its batch shell (as from
#   --signal=B:USR1@N): with MPIBATCH_MAX_RESTARTS=0 the job ends with exit code 4 and a file of
#   ok and skipped items; by default it requeues itself and the second run (--resume) completes
#   the file.
# The cluster lives in STATE_DIR (ports 6827/6828 unless SLURM_LOCAL_CTLD_PORT/_SLURMD_PORT say
# otherwise), is always stopped, and is removed when the test passes. SLURM_LOCAL is the path of
# slurm-local (default: MPIBATCH_SLURM_LOCAL, then ../shared/tools beside the source tree, then
# PATH). Exits 77 (CTest SKIP_RETURN_CODE) when slurm-local is missing, or cannot start and CI is
# not set; in CI (CI=true) a cluster that cannot start is a failure.
# CTest sets the test-only MPI environment (OMPI_ALLOW_RUN_AS_ROOT, ...; tests/CMakeLists.txt);
# sbatch passes it on to the jobs.
set -euo pipefail

mode=$1
mpibatch=$(realpath "$2")
python=$3
state=$(realpath -m "$4")
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
checker="$root/tests/slurm/check_result.py"
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; clean=1; exit 77; }
say() { printf '[slurm test %(%H:%M:%S)T] %s\n' -1 "$*"; }

# ---------------------------------------------------------------- the cluster
slurm_local=""
for candidate in "${5:-}" "${MPIBATCH_SLURM_LOCAL:-}" "$root/../shared/tools/slurm-local" \
  "$(command -v slurm-local || true)"; do
  if [[ -n $candidate && -x $candidate ]]; then
    slurm_local=$(realpath "$candidate")
    break
  fi
done
[[ -n $slurm_local ]] || skip "slurm-local not found (looked at '${5:-}', \$MPIBATCH_SLURM_LOCAL," \
  "$root/../shared/tools and PATH); these tests need a one-node Slurm cluster"
if [[ $(id -u) != 0 ]]; then
  skip "slurm-local runs its cluster as root (SlurmUser=root); run the tests as root"
fi
# munged's socket path must fit in a sockaddr_un (108 bytes): a deep build tree gets /tmp.
if ((${#state} > 60)); then
  state=$(mktemp -d /tmp/mpibatch-slurm.XXXXXX)
  say "state directory path too long for munge's socket; using $state"
fi
export SLURM_LOCAL_CTLD_PORT=${SLURM_LOCAL_CTLD_PORT:-6827}
export SLURM_LOCAL_SLURMD_PORT=${SLURM_LOCAL_SLURMD_PORT:-6828}
work=$state/work
clean=0 # set when the test passed or skipped: the state directory goes too
cleanup() {
  local rc=$?
  "$slurm_local" stop "$state" > /dev/null 2>&1 || true
  if ((clean)); then
    "$slurm_local" purge "$state" > /dev/null 2>&1 || true
  elif [[ -d $state ]]; then
    echo "kept for a look: $state (logs in $state/log, job output in $work)" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT

say "starting a one-node Slurm cluster with $slurm_local in $state"
if ! start_log=$("$slurm_local" start "$state" 2>&1); then
  echo "$start_log" >&2
  [[ ${CI:-} == true ]] && fail "slurm-local could not start a cluster (in CI this must work)"
  skip "slurm-local could not start a cluster (see above)"
fi
eval "$("$slurm_local" env "$state")"
rm -rf "$work"
mkdir -p "$work"
cd "$work"
export MPIBATCH=$mpibatch

# submit NAME SCRIPT [sbatch options...] -- JOB [mpibatch options...]: sbatch --wait, output in
# NAME.out; sets rc to the job's exit code and jid to its id.
submit() {
  local name=$1 script=$2 opts=()
  shift 2
  while [[ $1 != -- ]]; do opts+=("$1"); shift; done
  shift
  rm -f "$name.out"
  rc=0
  timeout 150 sbatch --parsable --wait --job-name="$name" --output="$work/$name.out" \
    --time=3 "${opts[@]}" "$script" "$@" > "$name.submit" 2>&1 || rc=$?
  jid=$(head -n 1 "$name.submit")
  say "$name: job $jid ended with exit code $rc"
}
show() { sed 's/^/    | /' "$1" >&2 || true; }
expect_rc() { # expect_rc NAME WANT
  if [[ $rc != "$2" ]]; then
    show "$1.out"
    show "$1.submit"
    fail "$1: sbatch --wait returned $rc, expected $2"
  fi
}
# check NAME ARGS...: check_result.py ARGS on the result file of job NAME.
check() {
  local name=$1
  shift
  "$python" "$checker" "$@" || { show "$name.out"; fail "$name: unexpected result file"; }
}

# strip_gpus SCRIPT OUT: the script without its GPU requests and scaled down to one node,
# one task and one CPU per component (as for the CPU-only test cluster).
strip_gpus() {
  sed -E -e '/^#SBATCH .*--(gpus-per-task|gpus-per-node|gres)=/d' \
    -e 's/^(#SBATCH .*--nodes=)[0-9]+/\11/' \
    -e 's/^(#SBATCH .*--ntasks-per-node=)[0-9]+/\11/' \
    -e 's/^(#SBATCH .*--cpus-per-task=)[0-9]+/\11 --mem=1G/' "$1" > "$2"
}

# A small, quick model for the demo job (as tests/report/html_in_chromium.sh does).
"$mpibatch" make-model "$work/model.pt" --channels 32 --layers 2 --heads 2 --hop-length 16 \
  > make-model.log 2>&1 || { show make-model.log; fail "mpibatch make-model"; }
demo=("$root/jobs/demo.yaml" --set "model.path=$work/model.pt")

# ---------------------------------------------------------------- scripts
run_scripts() {
  local s block_ref block
  for s in cpu gpu hetjob train; do
    bash -n "$root/slurm/$s.sbatch" || fail "slurm/$s.sbatch: bash -n"
    block=$(sed -n '/^# ---- begin mpibatch-slurm/,/^# ---- end mpibatch-slurm/p' \
      "$root/slurm/$s.sbatch")
    [[ -n $block ]] || fail "slurm/$s.sbatch has no mpibatch-slurm block"
    if [[ $s == cpu ]]; then
      block_ref=$block
    elif [[ $block != "$block_ref" ]]; then
      diff <(echo "$block_ref") <(echo "$block") >&2 || true
      fail "the mpibatch-slurm block of slurm/$s.sbatch differs from slurm/cpu.sbatch's"
    fi
    grep -q '^#SBATCH --signal=B:USR1@' "$root/slurm/$s.sbatch" ||
      fail "slurm/$s.sbatch: no #SBATCH --signal=B:USR1@..."
    grep -q '^#SBATCH --requeue' "$root/slurm/$s.sbatch" || fail "slurm/$s.sbatch: no --requeue"
    strip_gpus "$root/slurm/$s.sbatch" "$work/$s-cpu.sbatch"
    sbatch --test-only "$work/$s-cpu.sbatch" "${demo[@]}" > "$s.test-only" 2>&1 ||
      { show "$s.test-only"; fail "sbatch --test-only refused slurm/$s.sbatch without GPUs"; }
  done
  say "bash -n, the common block and sbatch --test-only: ok for all four scripts"
  if sbatch --test-only --nodes=1 --ntasks-per-node=1 --cpus-per-task=1 \
    "$root/slurm/gpu.sbatch" "${demo[@]}" > gpu.test-only 2>&1; then
    fail "sbatch --test-only accepted slurm/gpu.sbatch on a cluster without GPUs"
  fi
  grep -q 'Invalid generic resource' gpu.test-only ||
    { show gpu.test-only; fail "slurm/gpu.sbatch refused for another reason than no GPUs"; }

  submit cpu "$root/slurm/cpu.sbatch" --nodes=1 --ntasks-per-node=2 --cpus-per-task=1 \
    -- "${demo[@]}" -o "$work/cpu.h5"
  expect_rc cpu 0
  grep -q '^mpibatch-slurm: job .* run 1 on 1 node' cpu.out || fail "cpu: no start line in cpu.out"
  check cpu "$work/cpu.h5" --ranks 2 --threads 1

  # The mpirun alternative that cpu.sbatch shows in a comment, in place of its srun line.
  local alternative
  alternative=$(sed -n '/^#   run_step mpirun/,/"\$@"$/p' "$root/slurm/cpu.sbatch" |
    sed -E 's/^#[[:space:]]*//; s/[[:space:]]*\\$//' | tr '\n' ' ')
  [[ $alternative == run_step\ mpirun*'"$@" ' ]] ||
    fail "cpu.sbatch: no commented '#   run_step mpirun ... \"\$@\"' alternative"
  ALT=$alternative awk '/^run_step srun /{print ENVIRON["ALT"]; n++; next}
    {print} END {exit n != 1}' "$root/slurm/cpu.sbatch" > "$work/cpu-mpirun.sbatch" ||
    fail "cpu.sbatch: expected one 'run_step srun' line to replace"
  submit cpu-mpirun "$work/cpu-mpirun.sbatch" --nodes=1 --ntasks-per-node=2 --cpus-per-task=1 \
    -- "${demo[@]}" -o "$work/cpu-mpirun.h5"
  expect_rc cpu-mpirun 0
  check cpu-mpirun "$work/cpu-mpirun.h5" --ranks 2

  submit gpu "$work/gpu-cpu.sbatch" --ntasks-per-node=2 -- "${demo[@]}" -o "$work/gpu.h5"
  expect_rc gpu 0
  check gpu "$work/gpu.h5" --ranks 2

  local data=/usr/share/datasets/fashion-mnist
  if [[ -r $data/t10k-images-idx3-ubyte.gz ]]; then
    submit train "$root/slurm/train.sbatch" --nodes=1 --ntasks-per-node=2 --cpus-per-task=1 \
      -- "$root/jobs/train-fashion-mnist.yaml" --set train.model=mlp --set train.epochs=1 \
      --set train.global_batch=100 --set train.lr_schedule=constant \
      --set "train.data=$data/t10k-images-idx3-ubyte.gz" \
      --set "train.labels=$data/t10k-labels-idx1-ubyte.gz" \
      --set "train.eval_data=$data/t10k-images-idx3-ubyte.gz" \
      --set "train.eval_labels=$data/t10k-labels-idx1-ubyte.gz" -o "$work/train.h5"
    expect_rc train 0
    check train "$work/train.h5" --kind train --ranks 2 --epochs 1
  else
    say "train: SKIPPED, no $data (Debian package dataset-fashion-mnist)"
  fi
}

# ---------------------------------------------------------------- requeue
# start_slow NAME [sbatch options...]: submits cpu.sbatch with a job that takes ~7 s on 2 ranks
# in the background, waits until it computes, and sends SIGUSR1 to its batch shell.
start_slow() {
  local name=$1 i
  shift
  rm -f "$name.out" "$name.submit" "$name.rc"
  (
    rc=0
    timeout 150 sbatch --parsable --wait --job-name="$name" --output="$work/$name.out" \
      --time=3 --nodes=1 --ntasks-per-node=2 --cpus-per-task=1 "$@" "$root/slurm/cpu.sbatch" \
      "${demo[@]}" -o "$work/$name.h5" --set 'runtime.simulate_speed=[0.05, 0.05]' \
      --set runtime.progress_interval=1 > "$name.submit" 2>&1 || rc=$?
    echo "$rc" > "$name.rc"
  ) &
  for ((i = 0; i < 300; i++)); do # until a progress line shows that the ranks compute
    grep -q '\[info\] progress: ' "$name.out" 2> /dev/null && break
    [[ -e $name.rc ]] && { show "$name.out"; fail "$name ended before it computed"; }
    sleep 0.1
  done
  jid=$(head -n 1 "$name.submit")
  [[ $jid =~ ^[0-9]+$ ]] || { show "$name.submit"; fail "$name: no job id from sbatch"; }
  sleep 1
  say "$name: job $jid computes; scancel --batch --signal=USR1 (as --signal=B:USR1@N does)"
  scancel --batch --signal=USR1 "$jid"
}
# finish NAME: waits for the background sbatch --wait of NAME; sets rc.
finish() {
  wait
  rc=$(cat "$1.rc")
  say "$1: job $jid ended with exit code $rc"
}

run_requeue() {
  local i state_now
  # Out of restarts: the job ends with exit code 4 and a resumable file.
  start_slow stop --export=ALL,MPIBATCH_MAX_RESTARTS=0
  finish stop
  expect_rc stop 4
  grep -q 'not requeued' stop.out || { show stop.out; fail "stop: no 'not requeued' line"; }
  check stop "$work/stop.h5" --ranks 2 --exit-status 4 --skipped

  # Requeued: the second run resumes and completes the file.
  start_slow requeue
  for ((i = 0; i < 300; i++)); do # until Slurm holds it for its requeue delay
    state_now=$(squeue -h -j "$jid" -o %T 2> /dev/null || true)
    [[ $state_now == PENDING ]] && break
    [[ -e requeue.rc ]] && break
    sleep 0.1
  done
  [[ $state_now == PENDING ]] || { show requeue.out; fail "requeue: the job was not requeued"; }
  # A requeued job may start again only after AuthInfo's cred_expire (120 s by default): the
  # test lets it start sooner, but not within the second in which slurmd revoked the first
  # run's credential (slurmd refuses credentials made no later than that second).
  sleep 2
  scontrol update JobId="$jid" StartTime=now
  finish requeue
  expect_rc requeue 0
  for pattern in 'passing SIGUSR1 to the ranks' 'requeued; the next run resumes' \
    "job $jid run 2 on .*--resume"; do
    grep -q -- "$pattern" requeue.out || { show requeue.out; fail "requeue: no '$pattern'"; }
  done
  check requeue "$work/requeue.h5" --ranks 2 --attempt 1
}

case $mode in
  scripts) run_scripts ;;
  requeue) run_requeue ;;
  *) fail "unknown mode '$mode' (scripts or requeue)" ;;
esac
clean=1
echo "PASS"
