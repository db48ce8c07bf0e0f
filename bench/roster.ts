/**
 * A roster of `size` people in one department, as HR's CSV: a tenth of them managers, each of the rest reporting to
 * one. With `changedEvery`, every such person's name differs from the plain roster's: the same directory exported a
 * quarter later, with some people changed.
 */
export function roster(size: number, department: string, changedEvery?: number): string {
  const managers = Math.max(1, Math.ceil(size / 10));
  const rows = ['employeeId,name,email,managerId,department'];
  for (let i = 0; i < size; i++) {
    const id = `${department}-${i}`;
    const manager = i < managers ? '' : `${department}-${i % managers}`;
    const name = changedEvery && i % changedEvery === 0 ? `Person ${i} (changed)` : `Person ${i}`;
    rows.push(`${id},${name},p${i}.${department.toLowerCase()}@example.com,${manager},${department}`);
  }
  return rows.join('\n');
}
