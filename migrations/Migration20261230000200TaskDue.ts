import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 15, live updates: the `taskDue` tick (services/task-due.ts) asks every 30 s for OPEN tasks that
 * fell due in the last hour; this partial index answers that from the few open tasks around now instead
 * of scanning every task.
 */
export class Migration20261230000200TaskDue extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index task_open_due_idx on task (due_at) where status = 'OPEN';`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists task_open_due_idx;`);
  }
}
