/**
 * The parts of the composition that make several instances one bot (issue 13): Teams' send budget shared through the
 * store, and the heartbeat registry whose dead instances' leases end at once.
 */
import type { Config } from '../config';
import type { Store } from '../store';
import { InstanceRegistry } from '../jobs/instances';
import { SharedSendBudget } from '../teams/sending/sendBudget';
import type { MessengerOptions } from '../teams/sending/messenger';

/** Teams' limits; held with every other instance on the store once it is open (`joinInstances`). */
export function sendBudget(
  config: Config,
  limits: Pick<MessengerOptions, 'conversationWindows' | 'globalWindows'> = {},
) {
  const { conversationWindows, globalWindows } = limits;
  return new SharedSendBudget({ instanceId: config.instanceId, conversationWindows, globalWindows });
}

/** The first heartbeat written (the instance is known before it takes work); the budget now shared. */
export async function joinInstances(
  config: Config,
  store: Store,
  budget: SharedSendBudget,
  onDeparted: () => void,
): Promise<InstanceRegistry> {
  const registry = new InstanceRegistry({
    coordination: store.coordination,
    instanceId: config.instanceId,
    machine: config.machine,
    onDeparted,
  });
  await registry.start();
  budget.share(store.coordination, () => registry.liveCount());
  return registry;
}
