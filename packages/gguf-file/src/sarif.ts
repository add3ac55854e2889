/**
 * Scanner findings as SARIF 2.1.0 (OASIS), the format code-scanning dashboards ingest: one run whose
 * tool.driver lists one rule per finding code (id = the stable code, help = its meaning and the severity
 * policy), one result per finding with the level from its severity, the file as a relative artifact URI,
 * the byte offset as a region and the tensor or key as a logical location. Files that could not be read
 * are tool execution notifications (the run is then not successful), never silently dropped.
 * Browser-safe: builds a plain object, no file access.
 */
import { FINDING_CODES, type Finding, type FindingCode, type Severity } from './findings.ts';

export interface SarifFile {
  /** Path relative to where the scan ran, with forward slashes. */
  uri: string;
  findings: readonly Finding[];
  /** Set when the file could not be read. */
  error?: string;
}

export interface SarifOptions {
  toolName?: string;
  toolVersion: string;
  informationUri?: string;
}

type Level = 'error' | 'warning' | 'note';
const LEVEL: Readonly<Record<Severity, Level>> = { error: 'error', warning: 'warning', info: 'note' };

const POLICY: Readonly<Record<Severity, string>> = {
  error:
    "a conforming loader (ggml's gguf.cpp, or the GGUF spec where stricter) must reject the file, or reading it is unsafe",
  warning: 'the file loads but is suspicious or off-spec; review before deploying it',
  info: 'context for a reviewer; no action needed on its own',
};

/** A URI reference for a relative path: segments percent-encoded, separators kept. */
export function relativeUri(path: string): string {
  return path
    .replace(/\\/g, '/')
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

const CODES = Object.keys(FINDING_CODES) as FindingCode[];

function rule(code: FindingCode) {
  const [severity, meaning] = FINDING_CODES[code];
  const area = code.split('.')[0]!;
  return {
    id: code,
    name: code.replace(/(^|[.-])([a-z])/g, (_m, _s, c: string) => c.toUpperCase()),
    shortDescription: { text: meaning },
    fullDescription: { text: `${meaning}.` },
    help: {
      text: `${meaning}. Severity ${severity}: ${POLICY[severity]}. Every finding names the byte offset and the key or tensor concerned; the code is stable (see @qbench/gguf-file README, finding codes).`,
    },
    defaultConfiguration: { level: LEVEL[severity] },
    properties: { tags: ['gguf', area, ...(area === 'template' ? ['security'] : [])] },
  };
}

function result(file: SarifFile, f: Finding) {
  const logical = f.tensor ?? f.key;
  return {
    ruleId: f.code,
    ruleIndex: CODES.indexOf(f.code),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: file.uri, uriBaseId: '%SRCROOT%' },
          region: {
            byteOffset: Math.max(0, f.offset),
            ...(f.length !== undefined ? { byteLength: f.length } : {}),
          },
        },
        ...(logical !== undefined
          ? {
              logicalLocations: [
                {
                  name: logical,
                  fullyQualifiedName: logical,
                  kind: f.tensor !== undefined ? 'object' : 'property',
                },
              ],
            }
          : {}),
      },
    ],
    partialFingerprints: { 'qbenchFinding/v1': `${f.code}|${logical ?? f.offset}` },
  };
}

export function toSarif(files: readonly SarifFile[], options: SarifOptions): Record<string, unknown> {
  const unreadable = files.filter((f) => f.error !== undefined);
  return {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: options.toolName ?? 'qbench scan',
            version: options.toolVersion,
            ...(options.informationUri ? { informationUri: options.informationUri } : {}),
            rules: CODES.map(rule),
          },
        },
        invocations: [
          {
            executionSuccessful: unreadable.length === 0,
            toolExecutionNotifications: unreadable.map((f) => ({
              level: 'error',
              message: { text: `cannot scan '${f.uri}': ${f.error}` },
              locations: [{ physicalLocation: { artifactLocation: { uri: f.uri, uriBaseId: '%SRCROOT%' } } }],
            })),
          },
        ],
        artifacts: files.map((f) => ({ location: { uri: f.uri, uriBaseId: '%SRCROOT%' } })),
        results: files.flatMap((file) => file.findings.map((f) => result(file, f))),
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
}
