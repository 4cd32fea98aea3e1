import { ApiKey } from './api-key.entity';
import { AuditEvent } from './audit-event.entity';
import { Contact } from './contact.entity';
import { Customer } from './customer.entity';
import { CustomerExternalRef } from './external-ref.entity';
import { User } from './user.entity';
import { Activity } from './activity.entity';
import { Campaign } from './campaign.entity';
import { Lead } from './lead.entity';
import { Opportunity } from './opportunity.entity';
import { Quote } from './quote.entity';
import { QuoteLine } from './quote-line.entity';
import { OpportunityStageChange } from './stage-change.entity';
import { Task } from './task.entity';
import { Product } from './product.entity';
import { Order } from './order.entity';
import { OrderLine } from './order-line.entity';
import { Contract } from './contract.entity';
import { Receivable } from './receivable.entity';
import { Payment, PaymentAllocation } from './payment.entity';
import { CreditAssessment, CreditHold } from './credit.entity';
import { Asset } from './asset.entity';
import { CaseComment, ServiceCase } from './service-case.entity';
import { ServiceQueue, SlaPolicy } from './service-queue.entity';
import { Survey } from './survey.entity';
import { ProductFeedback } from './product-feedback.entity';

/** Every entity, for the ORM. */
export const entities = [
  User, Customer, Contact, CustomerExternalRef, ApiKey, AuditEvent,
  Activity, Task, Campaign, Lead, Opportunity, OpportunityStageChange, Quote, QuoteLine,
  Product, Order, OrderLine,
  Contract, Receivable, Payment, PaymentAllocation, CreditAssessment, CreditHold,
  Asset, ServiceCase, CaseComment, ServiceQueue, SlaPolicy, Survey, ProductFeedback,
];
