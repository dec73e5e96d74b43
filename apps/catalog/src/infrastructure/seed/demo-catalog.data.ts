import { type Category } from '../../domain/product';

export interface DemoProduct {
  sku: string;
  name: string;
  description: string;
  category: string;
  /** Minor units of the catalog's currency. */
  price: number;
  stock: number;
  attributes: Record<string, string>;
}

export const DEMO_CATEGORIES: Category[] = [
  { slug: 'kitchen', name: 'Kitchen', description: 'Cookware, tools and small appliances' },
  { slug: 'coffee', name: 'Coffee & Tea', description: 'Brewing gear and beans' },
  { slug: 'home-office', name: 'Home Office', description: 'Desks, lighting and accessories' },
  { slug: 'outdoor', name: 'Outdoor', description: 'Camping and hiking equipment' },
  { slug: 'books', name: 'Books', description: 'Cooking, craft and travel titles' },
];

type Row = [
  sku: string,
  name: string,
  price: number,
  stock: number,
  attributes: Record<string, string>,
];

const rows: Record<string, Row[]> = {
  kitchen: [
    [
      'KIT-PAN-28',
      'Cast iron skillet 28 cm',
      4_990,
      40,
      { material: 'cast iron', diameter: '28 cm' },
    ],
    ['KIT-POT-5L', 'Stainless stock pot 5 l', 5_990, 25, { material: 'steel', capacity: '5 l' }],
    ['KIT-KNIFE-CHEF', "Chef's knife 20 cm", 7_900, 30, { steel: 'VG-10', length: '20 cm' }],
    ['KIT-BOARD-OAK', 'Oak cutting board', 3_490, 60, { material: 'oak', size: '40x28 cm' }],
    ['KIT-SCALE-DIG', 'Digital kitchen scale', 2_490, 80, { capacity: '5 kg', precision: '1 g' }],
    ['KIT-MIXER-HAND', 'Hand mixer 400 W', 3_990, 4, { power: '400 W', speeds: '5' }],
    ['KIT-PEELER-Y', 'Y-peeler', 690, 200, { blade: 'ceramic' }],
    ['KIT-DUTCH-24', 'Enamelled Dutch oven 24 cm', 12_900, 12, { material: 'enamelled cast iron' }],
    ['KIT-SPATULA-SET', 'Silicone spatula set', 1_590, 0, { pieces: '3' }],
  ],
  coffee: [
    ['COF-GRINDER-BURR', 'Burr coffee grinder', 8_990, 18, { burrs: 'conical steel' }],
    ['COF-KETTLE-GOOSE', 'Gooseneck kettle', 4_490, 35, { capacity: '1 l', material: 'steel' }],
    [
      'COF-DRIPPER-V60',
      'Ceramic pour-over dripper',
      2_290,
      70,
      { size: '02', material: 'ceramic' },
    ],
    ['COF-FILTERS-100', 'Paper filters (100)', 590, 300, { size: '02', count: '100' }],
    ['COF-PRESS-1L', 'French press 1 l', 3_290, 3, { capacity: '1 l', material: 'glass' }],
    [
      'COF-BEANS-ETH',
      'Ethiopia Yirgacheffe beans 250 g',
      1_390,
      120,
      { roast: 'light', weight: '250 g' },
    ],
    [
      'COF-BEANS-COL',
      'Colombia Huila beans 250 g',
      1_290,
      110,
      { roast: 'medium', weight: '250 g' },
    ],
    ['COF-TEAPOT-CAST', 'Cast iron teapot', 4_990, 9, { capacity: '0.8 l' }],
    ['COF-MATCHA-WHISK', 'Bamboo matcha whisk', 1_490, 45, { prongs: '100' }],
  ],
  'home-office': [
    ['OFF-LAMP-LED', 'LED desk lamp', 4_990, 50, { colour: 'black', power: '8 W' }],
    ['OFF-STAND-LAPTOP', 'Aluminium laptop stand', 3_990, 40, { material: 'aluminium' }],
    ['OFF-CHAIR-ERGO', 'Ergonomic office chair', 29_900, 6, { colour: 'grey', adjustable: 'yes' }],
    ['OFF-DESK-MAT', 'Felt desk mat', 2_490, 90, { size: '90x40 cm' }],
    ['OFF-NOTEBOOK-A5', 'Dotted notebook A5', 1_290, 250, { pages: '192' }],
    ['OFF-PEN-FOUNT', 'Fountain pen', 3_490, 22, { nib: 'medium' }],
    ['OFF-HUB-USBC', 'USB-C hub 7-in-1', 4_490, 2, { ports: '7' }],
    ['OFF-HEADSET-BT', 'Bluetooth headset', 7_990, 28, { battery: '30 h' }],
    ['OFF-WEBCAM-HD', 'Full HD webcam', 5_990, 15, { resolution: '1080p' }],
  ],
  outdoor: [
    ['OUT-TENT-2P', 'Two-person tent', 18_900, 10, { weight: '2.1 kg', seasons: '3' }],
    ['OUT-BAG-SLEEP', 'Down sleeping bag', 21_900, 7, { comfort: '-2 °C' }],
    ['OUT-PACK-40L', 'Hiking backpack 40 l', 11_900, 20, { capacity: '40 l' }],
    ['OUT-STOVE-GAS', 'Camping gas stove', 3_990, 33, { output: '2.8 kW' }],
    ['OUT-LAMP-HEAD', 'Head torch 400 lm', 2_990, 55, { output: '400 lm' }],
    ['OUT-BOTTLE-STEEL', 'Insulated bottle 750 ml', 2_490, 140, { capacity: '750 ml' }],
    ['OUT-POLES-CARBON', 'Carbon trekking poles', 8_990, 5, { material: 'carbon' }],
    ['OUT-MAT-SLEEP', 'Inflatable sleeping mat', 6_990, 14, { rValue: '4.2' }],
    ['OUT-FILTER-WATER', 'Water filter', 3_490, 38, { capacity: '1000 l' }],
  ],
  books: [
    [
      'BOK-SALT-FAT',
      'Salt, Fat, Acid, Heat',
      3_200,
      24,
      { author: 'Samin Nosrat', format: 'hardcover' },
    ],
    [
      'BOK-FOOD-LAB',
      'The Food Lab',
      4_500,
      11,
      { author: 'J. Kenji López-Alt', format: 'hardcover' },
    ],
    ['BOK-COFFEE-ATLAS', 'The World Atlas of Coffee', 3_000, 17, { author: 'James Hoffmann' }],
    ['BOK-BREAD-FLOUR', 'Flour Water Salt Yeast', 2_800, 8, { author: 'Ken Forkish' }],
    ['BOK-TRAILS-ALPS', 'Walking in the Alps', 2_400, 19, { author: 'Kev Reynolds' }],
    ['BOK-KNOTS', 'The Ashley Book of Knots', 3_900, 4, { author: 'Clifford Ashley' }],
    ['BOK-DESK-CRAFT', 'The Craft of the Desk', 1_900, 30, { format: 'paperback' }],
    ['BOK-FERMENT', 'The Art of Fermentation', 3_600, 13, { author: 'Sandor Katz' }],
    ['BOK-TEA-BOOK', 'The Tea Book', 2_200, 26, { format: 'hardcover' }],
  ],
};

/** 45 products across 5 categories, some of them already low on stock (and one sold out). */
export const DEMO_PRODUCTS: DemoProduct[] = Object.entries(rows).flatMap(([category, products]) =>
  products.map(([sku, name, price, stock, attributes]) => ({
    sku,
    name,
    description: `${name}, from the demo catalog.`,
    category,
    price,
    stock,
    attributes,
  })),
);
