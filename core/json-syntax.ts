/**
 * Where a JSON text first goes wrong, as line and column. JSON.parse's own message differs
 * between Node versions, often lacks a position, and may quote the whole input back; people
 * editing a playbook in Notepad need "line 12, column 5: a comma before }".
 * Called only after JSON.parse has failed, so it needs to find the error, not build values.
 */

export interface JsonSyntaxError {
  line: number;
  column: number;
  reason: string;
}

class Stop {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

export function locateJsonSyntaxError(text: string): JsonSyntaxError | null {
  try {
    scanDocument(text);
    return null;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return { ...lineAndColumn(text, error.offset), reason: error.reason };
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

function scanDocument(text: string): void {
  let i = 0;
  const found = () => (i >= text.length ? 'the end of the file' : `"${text[i]}"`);
  const skipSpace = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i += 1;
  };
  const expect = (char: string, what: string) => {
    if (text[i] !== char) throw new Stop(i, `expected ${what}, found ${found()}`);
    i += 1;
  };

  const scanString = () => {
    const start = i;
    i += 1;
    for (;;) {
      const char = text[i];
      if (char === undefined) throw new Stop(start, 'this text in quotes is never closed');
      if (char === '"') {
        i += 1;
        return;
      }
      if (char < ' ') throw new Stop(i, 'a line break or control character inside quotes (write \\n instead)');
      if (char === '\\') {
        const escape = text[i + 1] ?? '';
        if (escape === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else if ('"\\/bfnrt'.includes(escape) && escape !== '') i += 2;
        else throw new Stop(i, 'a backslash must be doubled inside quotes (write \\\\ for one \\)');
      } else i += 1;
    }
  };

  const scanNumber = () => {
    const match = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    match.lastIndex = i;
    if (!match.exec(text)) throw new Stop(i, `expected a number, found ${found()}`);
    i = match.lastIndex;
  };

  const scanMembers = (close: string, scanItem: () => void) => {
    i += 1;
    skipSpace();
    if (text[i] === close) {
      i += 1;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[i] === close) throw new Stop(i, `a comma before ${close} (remove the last comma)`);
      scanItem();
      skipSpace();
      if (text[i] === ',') i += 1;
      else return expect(close, `"," or "${close}"`);
    }
  };

  const scanValue = (): void => {
    skipSpace();
    const char = text[i];
    if (char === '{') {
      scanMembers('}', () => {
        if (text[i] !== '"') throw new Stop(i, `expected a property name in double quotes, found ${found()}`);
        scanString();
        skipSpace();
        expect(':', '":"');
        scanValue();
      });
    } else if (char === '[') scanMembers(']', scanValue);
    else if (char === '"') scanString();
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) scanNumber();
    else {
      const word = ['true', 'false', 'null'].find((literal) => text.startsWith(literal, i));
      if (!word) throw new Stop(i, `expected a value, found ${found()}`);
      i += word.length;
    }
  };

  scanValue();
  skipSpace();
  if (i < text.length) throw new Stop(i, `unexpected ${found()} after the end of the JSON`);
}
