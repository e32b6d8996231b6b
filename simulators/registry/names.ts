// Reference data for the synthetic registry: common given names and surnames, real municipalities
// with their official codes (IBGE 7-digit for Brazil, INDEC department for Argentina), and money.
import type { Country } from '../../domain/national-id';

export interface Municipality {
  code: string;
  name: string;
  /** State (BR, UF) or province (AR). */
  state: string;
}

export interface NameBank {
  female: readonly string[];
  male: readonly string[];
  surnames: readonly string[];
  /** Chance, in percent, that a person carries a second given name ("Ana Paula", "Juan Pablo"). */
  secondGivenPct: number;
  /** Chance, in percent, of a mother's surname before the family surname (near-universal in Brazil). */
  maternalSurnamePct: number;
}

// Surnames keep their usual particle ("da Silva"), so names read as people write them.
const BR: NameBank = {
  female: [
    'Maria',
    'Ana',
    'Francisca',
    'Antônia',
    'Adriana',
    'Juliana',
    'Márcia',
    'Fernanda',
    'Patrícia',
    'Aline',
    'Sandra',
    'Camila',
    'Amanda',
    'Bruna',
    'Jéssica',
    'Letícia',
    'Júlia',
    'Luciana',
    'Vanessa',
    'Mariana',
    'Gabriela',
    'Raimunda',
    'Cláudia',
    'Beatriz',
    'Larissa',
    'Helena',
    'Alice',
    'Laura',
    'Vitória',
    'Conceição',
  ],
  male: [
    'João',
    'José',
    'Antônio',
    'Francisco',
    'Carlos',
    'Paulo',
    'Pedro',
    'Lucas',
    'Luiz',
    'Marcos',
    'Gabriel',
    'Rafael',
    'Daniel',
    'Marcelo',
    'Bruno',
    'Eduardo',
    'Felipe',
    'Raimundo',
    'Rodrigo',
    'Sebastião',
    'Joaquim',
    'Benedito',
    'Vítor',
    'Matheus',
    'Thiago',
    'Davi',
    'Arthur',
    'Heitor',
    'Cícero',
    'Severino',
  ],
  surnames: [
    'da Silva',
    'dos Santos',
    'de Oliveira',
    'de Souza',
    'Rodrigues',
    'Ferreira',
    'Alves',
    'Pereira',
    'Lima',
    'Gomes',
    'da Costa',
    'Ribeiro',
    'Martins',
    'Carvalho',
    'de Almeida',
    'Lopes',
    'Soares',
    'Fernandes',
    'Vieira',
    'Barbosa',
    'da Rocha',
    'Dias',
    'do Nascimento',
    'de Andrade',
    'Moreira',
    'Nunes',
    'Marques',
    'Machado',
    'Mendes',
    'de Freitas',
    'Cardoso',
    'Ramos',
    'Gonçalves',
    'Santana',
    'Teixeira',
    'Araújo',
    'da Conceição',
    'de Jesus',
    'Magalhães',
    'Brandão',
  ],
  secondGivenPct: 25,
  maternalSurnamePct: 80,
};

const AR: NameBank = {
  female: [
    'María',
    'Ana',
    'Laura',
    'Silvia',
    'Graciela',
    'Patricia',
    'Mónica',
    'Claudia',
    'Natalia',
    'Valeria',
    'Florencia',
    'Camila',
    'Sofía',
    'Valentina',
    'Martina',
    'Lucía',
    'Julieta',
    'Agustina',
    'Milagros',
    'Romina',
    'Inés',
    'Belén',
    'Rocío',
    'Verónica',
    'Gisela',
    'Mariela',
    'Micaela',
    'Noelia',
    'Josefina',
    'Ramona',
  ],
  male: [
    'Juan',
    'José',
    'Carlos',
    'Jorge',
    'Luis',
    'Miguel',
    'Diego',
    'Martín',
    'Sebastián',
    'Matías',
    'Nicolás',
    'Facundo',
    'Lucas',
    'Santiago',
    'Joaquín',
    'Tomás',
    'Benjamín',
    'Ramón',
    'Héctor',
    'Rubén',
    'Raúl',
    'Julián',
    'Agustín',
    'Andrés',
    'Fernando',
    'Gastón',
    'Iván',
    'Óscar',
    'Cristian',
    'Pablo',
  ],
  surnames: [
    'González',
    'Rodríguez',
    'Gómez',
    'Fernández',
    'López',
    'Díaz',
    'Martínez',
    'Pérez',
    'García',
    'Sánchez',
    'Romero',
    'Sosa',
    'Álvarez',
    'Torres',
    'Ruiz',
    'Ramírez',
    'Flores',
    'Benítez',
    'Acosta',
    'Medina',
    'Herrera',
    'Suárez',
    'Aguirre',
    'Giménez',
    'Gutiérrez',
    'Pereyra',
    'Rojas',
    'Molina',
    'Castro',
    'Ortiz',
    'Silva',
    'Núñez',
    'Luna',
    'Juárez',
    'Cabrera',
    'Ríos',
    'Ferreyra',
    'Godoy',
    'Morales',
    'Domínguez',
  ],
  secondGivenPct: 30,
  maternalSurnamePct: 15,
};

export const NAME_BANKS: Record<Country, NameBank> = { BR, AR };

const m = (code: string, name: string, state: string): Municipality => Object.freeze({ code, name, state });

/** Municipalities with a relative weight, roughly by their share of low-income families. */
export const MUNICIPALITIES: Record<Country, ReadonlyArray<readonly [Municipality, number]>> = {
  BR: [
    [m('3550308', 'São Paulo', 'SP'), 14],
    [m('3304557', 'Rio de Janeiro', 'RJ'), 10],
    [m('2927408', 'Salvador', 'BA'), 9],
    [m('2304400', 'Fortaleza', 'CE'), 9],
    [m('2611606', 'Recife', 'PE'), 7],
    [m('3106200', 'Belo Horizonte', 'MG'), 6],
    [m('1302603', 'Manaus', 'AM'), 7],
    [m('1501402', 'Belém', 'PA'), 6],
    [m('2111300', 'São Luís', 'MA'), 6],
    [m('2211001', 'Teresina', 'PI'), 5],
    [m('2704302', 'Maceió', 'AL'), 5],
    [m('2307304', 'Juazeiro do Norte', 'CE'), 3],
    [m('2604106', 'Caruaru', 'PE'), 3],
    [m('2910800', 'Feira de Santana', 'BA'), 4],
    [m('2504009', 'Campina Grande', 'PB'), 3],
  ],
  AR: [
    [m('06427', 'La Matanza', 'Buenos Aires'), 14],
    [m('06490', 'Lomas de Zamora', 'Buenos Aires'), 7],
    [m('06658', 'Quilmes', 'Buenos Aires'), 6],
    [m('06539', 'Merlo', 'Buenos Aires'), 6],
    [m('06560', 'Moreno', 'Buenos Aires'), 5],
    [m('06274', 'Florencio Varela', 'Buenos Aires'), 5],
    [m('14014', 'Córdoba', 'Córdoba'), 9],
    [m('82084', 'Rosario', 'Santa Fe'), 8],
    [m('90084', 'San Miguel de Tucumán', 'Tucumán'), 6],
    [m('66028', 'Salta', 'Salta'), 5],
    [m('50007', 'Mendoza', 'Mendoza'), 4],
  ],
};

export interface Economy {
  minWageCents: number;
  /** Informal incomes are whole multiples of this step (R$10, ARS 2,000). */
  informalStepCents: number;
  /** Non-contributory old-age and disability pension. */
  benefit: string;
  /** A benefit paid to the household's head. */
  householdBenefit: string;
}

/**
 * Monthly money per country, in cents. BR: the 2025 minimum wage, R$1,518.00; AR: the January
 * 2025 minimum wage (SMVM), ARS 286,711.00. The scoring poverty line is a seventh of it per
 * person, which in Brazil is the Bolsa Família line (R$218), and applies alike to Argentina.
 */
export const ECONOMY: Record<Country, Economy> = {
  BR: { minWageCents: 151_800, informalStepCents: 1_000, benefit: 'BPC', householdBenefit: 'Auxílio Gás' },
  AR: { minWageCents: 28_671_100, informalStepCents: 200_000, benefit: 'PNC', householdBenefit: 'Tarjeta Alimentar' },
};

/** Household sizes 1..7, in percent. */
export const HOUSEHOLD_SIZE_WEIGHTS: readonly number[] = [14, 20, 24, 19, 12, 7, 4];
