// Public surface of @mcp/servicedef: service definition files (TOML) — parse, validate, convert, format, edit.
export type {
  ComponentDefinition, ComponentRuntime, DefinitionProblem, DefinitionResult, DefinitionWarning, RecordedDefinition,
  RouteDefinition, RouteMode, ServiceDefinition, SnapshotDefinition, Tier,
} from './types.js';
export { recordedDefinition } from './recorded-definition.js';
export { parseDefinition } from './parse.js';
export { loadDefinitionDir, loadDefinitionFile, resolveDefinitionPath } from './load.js';
export { definitionFromProto, definitionToProto, routeDefinitionToProto } from './proto-convert.js';
export { setActiveInFile, setActiveInText } from './active-edit.js';
export { writeDefinitionFile } from './atomic-write.js';
export { formatDefinition } from './format.js';
export { validateDefinition } from './validate.js';
export { definitionOrThrow, ServiceDefError } from './errors.js';
export { isValidHostname, isValidName } from './names.js';
export { buildImageKeys, parseImageReference, type ImageReference } from './image-reference.js';
export { formatPortMapping, parsePort, parsePortMapping, parsePortRange, publishedHostPorts, type PortMapping } from './port-mapping.js';
export { parseVolumeMount, VOLUME_OPTIONS, type VolumeMount } from './volume-mount.js';
export { parseEnvEntry, routePortVariable } from './env-entry.js';
export { definitionFromRequest, type RequestSpecProblem, type RequestSpecResult } from './request-spec.js';
export {
  definitionChanges, describeChanges, isRecordedAs, type DefinitionChange, type DefinitionChangeKind,
} from './definition-changes.js';
export { countedTier } from './counted-tier.js';
