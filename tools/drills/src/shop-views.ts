/**
 * The public API's answers as the tools read them (drills, end-to-end tests,
 * the compose test): the fields they check, not the whole documents (the
 * OpenAPI has those).
 */
export interface ProductView {
  id: string;
  available: number;
}

export interface OrderView {
  id: string;
  status: string;
  reason: string | null;
  items: { productId: string; quantity: number }[];
  saga: { status: string } | null;
}

export interface PaymentView {
  orderId: string;
  status: string;
  history: { status: string }[];
}
