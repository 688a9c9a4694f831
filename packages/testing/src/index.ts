// Imported first: an unsupported Node.js fails here, with a clear message, before anything else runs.
import './node-version.ts';

export { FakeClock } from './clock/fake-clock.ts';
export type { FakeTimerHandle } from './clock/fake-clock.ts';
export {
  ManifestError,
  PodStartError,
  PodkitTestingError,
  RolloutTimeoutError,
  TestingNodeVersionError,
  TestingOptionsError,
  isPodkitTestingError,
} from './errors.ts';
export { createCluster } from './rollout/cluster.ts';
export type { Cluster, ClusterOptions } from './rollout/cluster.ts';
export { SimulatedDeployment } from './rollout/deployment.ts';
export type { DeploymentContext, DeploymentSpec, RolloutOptions } from './rollout/deployment.ts';
export { OUTCOMES } from './rollout/load.ts';
export type { LoadOptions, LoadReport, LoadRequest, LoadRequests, Outcome, OutcomeCounts, ConnectionRouter, RequestFailure, RunningLoad } from './rollout/load.ts';
export { readPodSettings } from './rollout/manifest.ts';
export type { ManifestSource, PodOverrides, PodSettings, ProbeSettings, ProbeTarget, ReadPodSettingsOptions } from './rollout/manifest.ts';
export { SimulatedPod } from './rollout/pod.ts';
export type { CommandStart, ModuleStart, PodExit, PodInit, PortMode, ProbeFailures, StartSpec } from './rollout/pod.ts';
export type { PodReport, RolloutReport } from './rollout/report.ts';
export { simulateRollout } from './rollout/simulate.ts';
export type { SimulateRolloutOptions } from './rollout/simulate.ts';
export { FaultUpstream, startFaultUpstream } from './upstream/fault-upstream.ts';
export type { FaultChooser, FaultUpstreamOptions, RecordedRequest } from './upstream/fault-upstream.ts';
export {
  delayed,
  drawLatency,
  hang,
  json,
  malformedJson,
  resetBeforeHead,
  resetMidBody,
  resetMidHead,
  respond,
  slowBody,
  unavailable,
  wrongShape,
} from './upstream/faults.ts';
export type { Fault, FaultContext, Latency, RespondOptions } from './upstream/faults.ts';
export { KubeletVolume } from './volume/kubelet-volume.ts';
