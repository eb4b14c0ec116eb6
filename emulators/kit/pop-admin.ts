/**
 * The admin routes the POP emulators (SAE, CloudMonitor) share under their own prefix: the call log, the fault
 * queue, reset and credentials. `undefined`: not one of these; the emulator's own routes decide.
 */
export interface PopAdminPort<F, C extends { accessKeyId: string }> {
  readonly calls: unknown;
  callsTo(action: string): unknown;
  clearCalls(): void;
  injectFault(fault: F): void;
  snapshot(): { faults: unknown };
  clearFaults(): void;
  reset(): void;
  addCredential(credential: C): void;
}

export async function popCommonRoute<F, C extends { accessKeyId: string }>(
  emu: PopAdminPort<F, C>,
  key: string,
  url: URL,
  read: { fault(): Promise<F>; credential(): Promise<C> },
): Promise<[number, unknown] | undefined> {
  switch (key) {
    case 'GET calls': {
      const action = url.searchParams.get('action');
      return [200, { calls: action ? emu.callsTo(action) : emu.calls }];
    }
    case 'DELETE calls':
      emu.clearCalls();
      return [204, undefined];
    case 'POST faults':
      emu.injectFault(await read.fault());
      return [201, { faults: emu.snapshot().faults }];
    case 'DELETE faults':
      emu.clearFaults();
      return [204, undefined];
    case 'POST reset':
      emu.reset();
      return [204, undefined];
    case 'POST credentials': {
      const credential = await read.credential();
      emu.addCredential(credential);
      return [201, { accessKeyId: credential.accessKeyId }];
    }
    default:
      return undefined;
  }
}
