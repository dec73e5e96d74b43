/** A restock (positive) or a correction such as a write-off (negative), of available units. */
export interface AdjustStockCommand {
  productId: string;
  delta: number;
}
