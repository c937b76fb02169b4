/** A target column of quoted labels with commas and newlines, padded cells, missing cells ('', 'NA'), CRLF. */
export const AWKWARD_LABELS = [
  'x,"the target"',
  '1,"a,b"',
  '2,"line\nbreak"',
  '3,',
  '4,NA',
  '5," a "',
  '6,"a,b"',
  '7," a "',
  '8,"line\nbreak"',
].join('\r\n');
