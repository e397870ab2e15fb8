#!/usr/bin/env bash
# A real single-node Slurm (Debian slurm-wlm + munge) on this machine, for the tests of the
# Slurm launcher (Tests/RunnerTests/SlurmLauncherTests.swift). Needs root. Safe to run again:
# it does nothing when a controller already answers. Usage: scripts/slurm_local.sh start | stop
set -u
state=/tmp/slurm
case "${1:-}" in
start)
  if scontrol ping 2>/dev/null | grep -q "is UP" && sinfo --noheader 2>/dev/null | grep -q idle; then exit 0; fi
  command -v slurmctld >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
  host=$(hostname -s)
  mkdir -p $state/state $state/spool $state/log /run/munge /var/log/munge /var/lib/munge /etc/munge /etc/slurm
  [ -f /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null
  chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge; chmod 400 /etc/munge/munge.key
  cat > /etc/slurm/slurm.conf <<CONF
ClusterName=local
SlurmctldHost=$host
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=$state/state
SlurmdSpoolDir=$state/spool
SlurmctldLogFile=$state/log/ctld.log
SlurmdLogFile=$state/log/d.log
SlurmctldPidFile=$state/ctld.pid
SlurmdPidFile=$state/d.pid
SlurmUser=root
ReturnToService=2
NodeName=$host CPUs=$(nproc) RealMemory=20000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  pgrep -x munged >/dev/null || /usr/sbin/munged --force --pid-file=$state/munged.pid 2>/dev/null || true
  pgrep -x slurmctld >/dev/null || /usr/sbin/slurmctld
  pgrep -x slurmd >/dev/null || /usr/sbin/slurmd
  # The node comes up idle within a few seconds.
  for _ in $(seq 1 30); do sinfo --noheader 2>/dev/null | grep -q idle && exit 0; sleep 1; done
  echo "slurm_local: the node did not come up; see $state/log" >&2; exit 1 ;;
stop)
  for pid in $state/d.pid $state/ctld.pid $state/munged.pid; do [ -f $pid ] && kill "$(cat $pid)" 2>/dev/null; done; true ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
