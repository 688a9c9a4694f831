// @podkit/service: one call runs a Kubernetes-native service on config, core and http.

// First: fails with a clear message on an unsupported Node.js, before any dependency is evaluated.
import './node-version.ts';

export { defineService } from './definition.ts';
export type {
  ConfigUpdate,
  RequestHandler,
  ServiceContext,
  ServiceDefinition,
  ServiceInfo,
  ShutdownHookOptions,
  TelemetryHandle,
  TelemetryStarter,
} from './definition.ts';
export { startService } from './start.ts';
export type { RunningService, ServiceAddress, StartOptions } from './start.ts';
export { runService } from './run.ts';
export type { RunOptions } from './run.ts';
export { PodkitServiceError, ServiceDefinitionError, ServiceNodeVersionError, isPodkitServiceError } from './errors.ts';
