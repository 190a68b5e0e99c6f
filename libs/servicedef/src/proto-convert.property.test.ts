import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { ServiceSpecSchema } from '@mcp/proto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryDefinition } from './definition-arbitrary.js';
import { definitionFromProto, definitionToProto } from './proto-convert.js';

describe('definition ↔ ServiceSpec', () => {
  it('gives back the same definition after definition → proto → definition', () => {
    fc.assert(fc.property(arbitraryDefinition, (definition) => {
      expect(definitionFromProto(definitionToProto(definition))).toStrictEqual(definition);
    }));
  });

  it('gives back the same definition through the binary wire encoding', () => {
    fc.assert(fc.property(arbitraryDefinition, (definition) => {
      const wire = toBinary(ServiceSpecSchema, definitionToProto(definition));
      expect(definitionFromProto(fromBinary(ServiceSpecSchema, wire))).toStrictEqual(definition);
    }));
  });
});
