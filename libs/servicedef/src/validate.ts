// Validates a definition that did not come from a file (e.g. one received over RPC) with the file rules.
import TOML from '@iarna/toml';
import { createFieldReader } from './field-reader.js';
import { formatDefinition } from './format.js';
import { createProblemSink } from './problems.js';
import type { DefinitionProblem, ServiceDefinition } from './types.js';
import { readService } from './validate-service.js';

/**
 * Every problem the definition would have as a file, with the same key paths and expectations but no
 * lines (there is no file). `source` names it in messages, e.g. `Deploy request`.
 */
export function validateDefinition(definition: ServiceDefinition, source = `service ${JSON.stringify(definition.name)}`): DefinitionProblem[] {
  const sink = createProblemSink(source, new Map());
  readService(createFieldReader(sink, TOML.parse(formatDefinition(definition)), []), definition.name);
  return sink.problems;
}
