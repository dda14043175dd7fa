/**
 * Distance between two f32 values in units in the last place: how many f32 values lie between
 * them (0 when equal, 1 for neighbours; across zero the two sides add). The kernel's tests state
 * their agreement with the twin in these units.
 *
 * @example
 *   ulpDistance(1, Math.fround(1 + 2 ** -23)); // 1
 */
const view = new DataView(new ArrayBuffer(4));

/** The f32 value's place on a line where neighbours differ by 1 (−0 and +0 both at 0). */
function ordinal(x: number): number {
  view.setFloat32(0, x);
  const bits = view.getInt32(0);
  return bits < 0 ? -(bits & 0x7fffffff) : bits;
}

/** |ordinal(a) − ordinal(b)|; Infinity when exactly one is NaN, 0 when both are. */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  return Math.abs(ordinal(a) - ordinal(b));
}
