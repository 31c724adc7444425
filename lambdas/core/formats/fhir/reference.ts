// FHIR references as real exports write them, reduced to what they point at. Pure.
//   literal      Patient/123, https://server/fhir/Patient/123, .../Patient/123/_history/2
//   identifier   Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|999 (a conditional reference),
//                or a logical reference: { "identifier": { "system": ..., "value": ... } }
//   uuid         urn:uuid:... (the id of a resource in the same export)
//   contained    #id (a resource inside the referring one)
// Reference.display is never read: it often holds a person's name.
import { asObject, asString } from './json.js';

export type ParsedReference =
  | { kind: 'literal'; type: string; id: string }
  | { kind: 'identifier'; type: string | undefined; system: string | undefined; value: string }
  | { kind: 'uuid'; id: string }
  | { kind: 'contained'; id: string }
  | { kind: 'unreadable'; why: string };

const TYPE = '[A-Z][A-Za-z]+';
const LITERAL = new RegExp(`(?:^|/)(${TYPE})/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?$`);
const CONDITIONAL = new RegExp(`^(?:.*/)?(${TYPE})\\?(.+)$`);

/** What a Reference element points at; undefined when the element is absent. */
export function parseReference(element: unknown): ParsedReference | undefined {
  const ref = asObject(element);
  if (!ref) return undefined;
  const text = asString(ref['reference'])?.trim();
  const declaredType = asString(ref['type']);
  if (text === undefined) {
    const identifier = asObject(ref['identifier']);
    const value = asString(identifier?.['value']);
    if (value === undefined) return { kind: 'unreadable', why: 'a reference with neither reference nor identifier.value' };
    return { kind: 'identifier', type: declaredType, system: asString(identifier?.['system']), value };
  }
  if (text.startsWith('#')) return { kind: 'contained', id: text.slice(1) };
  if (text.toLowerCase().startsWith('urn:uuid:')) return { kind: 'uuid', id: text.slice('urn:uuid:'.length) };
  const conditional = CONDITIONAL.exec(text);
  if (conditional) return conditionalReference(conditional[1]!, conditional[2]!, text);
  const literal = LITERAL.exec(text);
  if (literal) return { kind: 'literal', type: literal[1]!, id: literal[2]! };
  return { kind: 'unreadable', why: `${JSON.stringify(text)} is not a FHIR reference` };
}

function conditionalReference(type: string, query: string, text: string): ParsedReference {
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    if (part.slice(0, eq) !== 'identifier') continue;
    let token: string;
    try {
      token = decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      break;
    }
    const bar = token.indexOf('|');
    const system = bar < 0 ? undefined : token.slice(0, bar) || undefined;
    const value = bar < 0 ? token : token.slice(bar + 1);
    if (value) return { kind: 'identifier', type, system, value };
  }
  return { kind: 'unreadable', why: `${JSON.stringify(text)}: only conditional references by identifier are supported` };
}

/** How a reference is named in messages and counters: its kind and target, never a display. */
export function describeReference(r: ParsedReference): string {
  switch (r.kind) {
    case 'literal':
      return `${r.type}/${r.id}`;
    case 'identifier':
      return `${r.type ?? '?'}?identifier=${r.system ?? ''}|${r.value}`;
    case 'uuid':
      return `urn:uuid:${r.id}`;
    case 'contained':
      return `#${r.id}`;
    case 'unreadable':
      return r.why;
  }
}
