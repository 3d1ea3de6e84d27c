/** Something that can wait in a `WaiterQueue`: the queue links its entries through them. */
export interface Linked<T> {
  prev: T | undefined;
  next: T | undefined;
}

/**
 * A FIFO of waiters linked through the waiters themselves: push, shift and removal of a waiter
 * that gave up are O(1) and allocate nothing beyond the waiter.
 */
export class WaiterQueue<T extends Linked<T>> {
  private head: T | undefined;
  private tail: T | undefined;
  size = 0;

  push(waiter: T): void {
    waiter.prev = this.tail;
    waiter.next = undefined;
    if (this.tail) this.tail.next = waiter;
    else this.head = waiter;
    this.tail = waiter;
    this.size++;
  }

  shift(): T | undefined {
    const first = this.head;
    if (first) this.remove(first);
    return first;
  }

  remove(waiter: T): void {
    if (waiter.prev) waiter.prev.next = waiter.next;
    else if (this.head === waiter) this.head = waiter.next;
    else return; // not queued (already shifted)
    if (waiter.next) waiter.next.prev = waiter.prev;
    else this.tail = waiter.prev;
    waiter.prev = undefined;
    waiter.next = undefined;
    this.size--;
  }
}
