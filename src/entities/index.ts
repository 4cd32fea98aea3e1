import { ApiKey } from './api-key.entity';
import { AuditEvent } from './audit-event.entity';
import { Contact } from './contact.entity';
import { Customer } from './customer.entity';
import { CustomerExternalRef } from './external-ref.entity';
import { User } from './user.entity';

/** Every entity, for the ORM. */
export const entities = [User, Customer, Contact, CustomerExternalRef, ApiKey, AuditEvent];
