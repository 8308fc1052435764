/**
 * A `Supervisor` that counts the fibers started under it (`Effect.supervised`): how many a
 * call forks. Effect's own `Supervisor.track` lists the fibers alive, not those started.
 */
import { Effect, Supervisor } from "effect"

export class FiberCounter extends Supervisor.AbstractSupervisor<number> {
  started = 0
  get value() {
    return Effect.sync(() => this.started)
  }
  override onStart() {
    this.started++
  }
}
