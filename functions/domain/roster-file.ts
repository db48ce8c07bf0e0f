import iconv from 'iconv-lite';
import { detectSeparator, parseRoster, RosterRejected, type Employee, type RosterSeparator } from './employee.ts';

/*
 * Reading a roster file's bytes. Apart from domain/employee.ts because the decoder's tables are large: only
 * the import bundles them.
 */

type RosterEncoding = 'UTF-8' | 'UTF-16' | 'Windows-1252';

/** A roster file read and checked: its rows, and how it was read, for HR to see what will be stored. */
export interface Roster {
  employees: Employee[];
  encoding: RosterEncoding;
  separator: RosterSeparator;
}

/** Reads a roster file as HR's tools save it (see decodeRoster), then parses and checks it (see parseRoster). */
export function readRoster(file: Uint8Array, existing: ReadonlyMap<string, Employee>): Roster {
  const { text, encoding } = decodeRoster(file);
  const separator = detectSeparator(text);
  return { employees: parseRoster(text, existing, separator), encoding, separator };
}

const startsWith = (bytes: Uint8Array, prefix: number[]) => prefix.every((byte, i) => bytes[i] === byte);
/** The line of the character at `index`, counted as the CSV parser counts lines. */
const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

/**
 * The text of a roster file: UTF-8 with or without a byte-order mark; UTF-16 with one (Excel's "Unicode
 * text"); anything else that is not valid UTF-8 is Windows-1252, what Excel's plain "CSV" writes on Windows in
 * Western Europe and the Americas. A byte that is neither is refused with its line: a guess would store a
 * wrong name. So is a file whose byte-order mark says UTF-8 but that has bytes UTF-8 does not allow (rows
 * pasted from another file): reading it as Windows-1252 would garble its UTF-8 names.
 */
function decodeRoster(bytes: Uint8Array): { text: string; encoding: RosterEncoding } {
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff]))
    return { text: iconv.decode(bytes, 'utf-16'), encoding: 'UTF-16' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'UTF-8' };
  } catch {
    // not UTF-8: see below
  }
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    throw new RosterRejected([
      {
        line: lineAt(lenient, lenient.indexOf('\uFFFD')),
        reason:
          'the file starts as UTF-8 (byte-order mark) but this line has bytes that are not UTF-8: save the whole file as "CSV UTF-8" and import it again',
      },
    ]);
  }
  const text = iconv.decode(bytes, 'windows-1252');
  // Windows-1252 is one byte per character, so the character's index is the byte's.
  const undefinedAt = text.indexOf('\uFFFD');
  if (undefinedAt >= 0) {
    const byte = `0x${bytes[undefinedAt]!.toString(16).toUpperCase().padStart(2, '0')}`;
    throw new RosterRejected([
      {
        line: lineAt(text, undefinedAt),
        reason: `byte ${byte} is neither UTF-8 nor Windows-1252, so the file's encoding is unknown: save it as "CSV UTF-8" and import it again`,
      },
    ]);
  }
  return { text, encoding: 'Windows-1252' };
}
