"""The engine core, one job per module, in the order an execution flows through them:

- admission.py: when an execution may start (the owner's cap; queued ones wait in order);
- frontier.py: which steps run next (queue the ready, skip the branches not taken);
- lease.py: who owns an attempt (claim, heartbeat, defer; attempts recorded);
- outcomes.py: how an attempt ends (succeed, fail or retry, cancel, lost);
- finishing.py: how the execution ends (output, completion; wakes a parent, frees the slot);

with transitions.py (the one state machine), artifacts.py (the compiled plan) and scope.py
(what a step sees). Each module imports only those above it in this list or the helpers:
finishing reaches admission and a waiting parent by message (worker/dispatch.py), not by
call. The doors into the engine are apps/executions/services/ (start, controls, children,
sweeper) and worker/ (the step runners); docs/architecture.md draws the whole house."""
