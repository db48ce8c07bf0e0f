/** A roster of `size` people in one department, as HR's CSV: a tenth of them managers, each of the rest reporting to one. */
export function roster(size: number, department: string): string {
  const managers = Math.max(1, Math.ceil(size / 10));
  const rows = ['employeeId,name,email,managerId,department'];
  for (let i = 0; i < size; i++) {
    const id = `${department}-${i}`;
    const manager = i < managers ? '' : `${department}-${i % managers}`;
    rows.push(`${id},Person ${i},p${i}.${department.toLowerCase()}@example.com,${manager},${department}`);
  }
  return rows.join('\n');
}
