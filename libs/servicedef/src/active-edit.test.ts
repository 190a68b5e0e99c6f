import { describe, expect, it } from 'vitest';
import { setActiveInText } from './active-edit.js';
import { ServiceDefError } from './errors.js';

const COMPONENT = '\n[[components]]\nname = "web"\nimage = "a:1"\n';

describe('setActiveInText', () => {
  it('replaces only the value of an existing active key', () => {
    const text = `name = 'svc'\n  active\t=  true   # running for now${COMPONENT}`;
    expect(setActiveInText(text, false)).toBe(`name = 'svc'\n  active\t=  false   # running for now${COMPONENT}`);
  });

  it('changes a quoted active key', () => {
    expect(setActiveInText(`name = "svc"\n"active" = false${COMPONENT}`, true)).toBe(`name = "svc"\n"active" = true${COMPONENT}`);
  });

  it('adds the key right after the name line, comment included', () => {
    const text = `# header\nname = "svc" # the service\ntier = "worker"${COMPONENT}`;
    expect(setActiveInText(text, false)).toBe(`# header\nname = "svc" # the service\nactive = false\ntier = "worker"${COMPONENT}`);
  });

  it('copies the indentation and CRLF line ending of the name line', () => {
    const text = `  name = "svc"\r\ntier = "core"\r\n`;
    expect(setActiveInText(text, true)).toBe('  name = "svc"\r\n  active = true\r\ntier = "core"\r\n');
  });

  it('adds a line to a file whose name line is its last, without a final newline', () => {
    expect(setActiveInText('name = "svc"', false)).toBe('name = "svc"\nactive = false');
  });

  it('leaves an active key inside a table alone', () => {
    const text = `name = "svc"\n[snapshot]\nactive = true${COMPONENT}`;
    expect(setActiveInText(text, false)).toBe(`name = "svc"\nactive = false\n[snapshot]\nactive = true${COMPONENT}`);
  });

  it('leaves active and name inside multi-line strings and comments alone', () => {
    const text = `comment = """\nname = "x"\nactive = true\n"""\n# active = true\nname = "svc"${COMPONENT}`;
    expect(setActiveInText(text, false)).toBe(`comment = """\nname = "x"\nactive = true\n"""\n# active = true\nname = "svc"\nactive = false${COMPONENT}`);
  });

  it('adds the key after a name whose value is a multi-line string', () => {
    const text = "name = '''\nsvc'''\ntier = 'core'\n";
    expect(setActiveInText(text, true)).toBe("name = '''\nsvc'''\nactive = true\ntier = 'core'\n");
  });

  it('keeps a byte-order mark', () => {
    expect(setActiveInText('\uFEFFname = "svc"\nactive = true\n', false)).toBe('\uFEFFname = "svc"\nactive = false\n');
  });

  it('returns the text unchanged when active already has the value', () => {
    const text = `name = "svc"\nactive = true # yes${COMPONENT}`;
    expect(setActiveInText(text, true)).toBe(text);
  });

  it('replaces a mistyped active value with a boolean', () => {
    expect(setActiveInText('name = "svc"\nactive = "yes"\n', false)).toBe('name = "svc"\nactive = false\n');
  });

  it('refuses text that is not TOML', () => {
    expect(() => setActiveInText('name = "svc\n', true)).toThrow(ServiceDefError);
  });

  it('refuses a file without a top-level name to add the key after', () => {
    expect(() => setActiveInText('tier = "core"\n', true)).toThrow(/name: missing/);
  });

  it('refuses a file where active is a table, and says nothing was changed', () => {
    expect(() => setActiveInText('name = "svc"\n[active]\nx = 1\n', true)).toThrow(/left as it is/);
  });
});
